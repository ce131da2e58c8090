import { Navigate, useParams } from 'react-router-dom';

/** Links in notices and e-mails (/portal/shipments[/:id]) open the portal's shipments tab (and the shipment). */
export function PortalShipmentLink() {
  const { id } = useParams();
  const search = new URLSearchParams({ tab: 'shipments', ...(id ? { shipment: id } : {}) });
  return <Navigate to={`/portal?${search.toString()}`} replace />;
}
