import { sendEmail } from "./email";
import { sendPush } from "./push";
import { sendSms } from "./sms";
import type { ChannelAdapter, ChannelName } from "./types";
import { sendVoice } from "./voice";
import { sendWebhook } from "./webhook";

/** One adapter per channel; each never throws and maps every outcome to a SendResult. */
export const CHANNELS: Record<ChannelName, ChannelAdapter> = {
  push: sendPush,
  sms: sendSms,
  voice: sendVoice,
  email: sendEmail,
  webhook: sendWebhook,
};

export { sendEmail, sendPush, sendSms, sendVoice, sendWebhook };
