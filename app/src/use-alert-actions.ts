/** Acknowledge / Resolve from a list or detail screen: the outcome, or why it failed, in words. */
import { useState } from "react";
import { describeError } from "./api";
import type { Alert } from "./api-types";
import { actOnAlert, type AlertAction } from "./alert-actions";

export const QUEUED_NOTICE = "You are offline: this will be sent when the connection is back.";

/**
 * `onChange` gets the alert as it now is (the server's answer, or the expected state while the
 * action waits offline); `notice` says when it was queued, `problem` when it was refused.
 */
export function useAlertActions(onChange: (alert: Alert) => void, doneNotice?: (alert: Alert) => string) {
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = (action: AlertAction) => async (alert: Alert) => {
    setProblem(null);
    setNotice(null);
    try {
      const outcome = await actOnAlert(alert, action);
      onChange(outcome.alert);
      setNotice(outcome.queued ? QUEUED_NOTICE : (doneNotice?.(outcome.alert) ?? null));
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return { act, problem, notice };
}
