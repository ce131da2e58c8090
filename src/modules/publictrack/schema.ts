import { Type } from 'typebox';
import { DateTime, Nullable } from '../../server/schemas.ts';

/** What the public tracking page asks: our tracking number and one second factor. */
export const TrackBody = Type.Object(
  {
    number: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Our tracking number, e.g. LS2611000123',
    }),
    secondFactor: Type.String({
      minLength: 1,
      maxLength: 32,
      description: "The destination postcode, or the last four digits of the consignee's phone",
    }),
  },
  { additionalProperties: false },
);

export const PublicMilestoneSchema = Type.Object(
  {
    /** EventCode of the internal model (BOOKED, DEPARTED, DELIVERED …): the page words it. */
    eventCode: Type.String(),
    /** PLN planned, EST estimated, ACT actual. */
    classifier: Type.String(),
    /** ISO 8601 with the zone offset the source gave. */
    time: Type.String(),
    location: Nullable(Type.String()),
    locationName: Nullable(Type.String()),
  },
  { $id: 'PublicMilestone', additionalProperties: false },
);

export const PublicExceptionSchema = Type.Object(
  {
    /** delay, silence, damaged, hold, lost, delivery_failed */
    kind: Type.String(),
    since: DateTime,
  },
  { $id: 'PublicException', additionalProperties: false },
);

/**
 * The public view of a shipment: no customer, names, phones, prices, documents or internal ids.
 */
export const PublicTrackSchema = Type.Object(
  {
    number: Type.String(),
    mode: Type.String(),
    origin: Nullable(Type.String()),
    destination: Nullable(Type.String()),
    status: Type.String(),
    promisedAt: Nullable(DateTime),
    estimatedDeliveryAt: Nullable(DateTime),
    deliveredAt: Nullable(DateTime),
    milestones: Type.Array(Type.Ref('PublicMilestone')),
    exceptions: Type.Array(Type.Ref('PublicException')),
  },
  { $id: 'PublicTrack', additionalProperties: false },
);
