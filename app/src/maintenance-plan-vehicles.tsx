/**
 * The plan form's vehicles: `Vehicles` (a multi-select; none chosen means the plan is not limited
 * to a list) and, per chosen vehicle, its last service before the plan (`Last service (km)`,
 * `Last service date`), sent as the plan's `baselines` so due points count from it.
 */
import { client, unwrap } from "./api";
import { Field, type FieldErrors } from "./form-field";
import { useApi } from "./use-api";

export interface LastService {
  km: string;
  date: string;
}
export type LastServices = Record<string, LastService>;

export function PlanVehicles({
  idPrefix,
  chosen,
  lastService,
  errors,
  onChoose,
  onLastService,
}: {
  idPrefix: string;
  chosen: string[];
  lastService: LastServices;
  /** Keyed `vehicleIds`, or `<vehicleId>.km` / `<vehicleId>.date`. */
  errors: FieldErrors;
  onChoose: (ids: string[]) => void;
  onLastService: (vehicleId: string, change: Partial<LastService>) => void;
}) {
  const vehicles = useApi("vehicles:plan-form", () => unwrap(client.api.vehicles.$get({ query: { limit: "500" } })));
  const list = vehicles.data?.items ?? [];
  const nameOf = (id: string) => list.find((v) => v.id === id)?.name ?? id;
  return (
    <fieldset>
      <legend>Vehicles and their last service</legend>
      <Field
        id={`${idPrefix}-vehicleIds`}
        label="Vehicles"
        hint="Choose the vehicles this plan applies to (Ctrl or Shift to choose several); none chosen: every vehicle, or every vehicle of the type below."
        error={errors.vehicleIds}
      >
        {(aria) => (
          <select
            {...aria}
            multiple
            size={Math.min(8, Math.max(3, list.length))}
            value={chosen}
            onChange={(e) => onChoose([...e.target.selectedOptions].map((o) => o.value))}
          >
            {list.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen.map((id) => {
        const row = lastService[id] ?? { km: "", date: "" };
        return (
          <fieldset key={id} className="plan-vehicle">
            <legend>{nameOf(id)}</legend>
            <div className="field-row">
              <Field
                id={`${idPrefix}-last-${id}-km`}
                label="Last service (km)"
                hint="Optional: the odometer at its last service before this plan."
                error={errors[`${id}.km`]}
              >
                {(aria) => (
                  <input {...aria} inputMode="decimal" value={row.km} onChange={(e) => onLastService(id, { km: e.target.value })} />
                )}
              </Field>
              <Field id={`${idPrefix}-last-${id}-date`} label="Last service date" error={errors[`${id}.date`]}>
                {(aria) => <input {...aria} type="date" value={row.date} onChange={(e) => onLastService(id, { date: e.target.value })} />}
              </Field>
            </div>
          </fieldset>
        );
      })}
    </fieldset>
  );
}
