/**
 * Work orders: creation (manual, plan, predictive, alert), the lifecycle, booking rules on every
 * write, service records on completion, history, and the live `workorder.updated` broadcast.
 *
 * Every write is one guarded statement batch: the UPDATE only applies if the row's `rev` is
 * still the one read (and, for a booking, if no overlapping booking appeared meanwhile), and the
 * history and service-record inserts only apply if that UPDATE did — so concurrent requests can
 * neither double-book nor record a service twice.
 */
export { bookingGuard, bookingsBetween, toBooking } from "./work-orders/booking";
export { createPlanWorkOrders, createWorkOrder, workOrderFromAlert, type NewWorkOrder } from "./work-orders/create";
export { patchWorkOrder, type WorkOrderPatch } from "./work-orders/patch";
export { applyPlacements } from "./work-orders/placements";
export {
  getWorkOrder,
  listWorkOrders,
  openWorkOrders,
  serviceOfWorkOrder,
  workOrderFacets,
  type WorkOrderFilter,
} from "./work-orders/read";
export { publicWorkOrder, publishWorkOrders, workOrderDetail, workOrderEtag, type PublicWorkOrder, type Viewer } from "./work-orders/view";
