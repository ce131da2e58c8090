import { AuditService } from '../modules/audit/service.ts';
import { AuthService } from '../modules/auth/service.ts';
import { CustomersService } from '../modules/customers/service.ts';
import { DepartmentsService } from '../modules/departments/service.ts';
import { FollowUpsService } from '../modules/followups/service.ts';
import { InteractionsService } from '../modules/interactions/service.ts';
import { SettingsService } from '../modules/settings/service.ts';
import { TimelineService } from '../modules/timeline/service.ts';
import { UsersService } from '../modules/users/service.ts';
import { CommitmentsService } from '../modules/commitments/service.ts';
import { EscalationsService } from '../modules/escalations/service.ts';
import { KnowledgeService } from '../modules/knowledge/service.ts';
import { MeasuresService } from '../modules/measures/service.ts';
import { NotificationsService } from '../modules/notifications/service.ts';
import { SlaService } from '../modules/sla/service.ts';
import { TicketsService } from '../modules/tickets/service.ts';
import { WorkOrdersService } from '../modules/workorders/service.ts';
import { ShipmentsService } from '../modules/shipments/service.ts';
import { TrackingService } from '../modules/tracking/service.ts';
import { ExceptionsService } from '../modules/exceptions/service.ts';
import { OutboundService } from '../modules/outbound/service.ts';
import { DcsaService } from '../modules/dcsa/service.ts';
import { PublicTrackService } from '../modules/publictrack/service.ts';
import { SatisfactionModelsService } from '../modules/satisfaction/models.ts';
import { SatisfactionIndexService } from '../modules/satisfaction/index-service.ts';
import { SatisfactionAlertsService } from '../modules/satisfaction/alerts.ts';
import { SurveysService } from '../modules/surveys/service.ts';
import { CorrectiveActionsService } from '../modules/correctiveactions/service.ts';
import type { AppContext } from './context.ts';

/** One instance of each module's service per process. */
export interface Services {
  audit: AuditService;
  auth: AuthService;
  customers: CustomersService;
  departments: DepartmentsService;
  followUps: FollowUpsService;
  interactions: InteractionsService;
  settings: SettingsService;
  timeline: TimelineService;
  users: UsersService;
  commitments: CommitmentsService;
  escalations: EscalationsService;
  knowledge: KnowledgeService;
  measures: MeasuresService;
  notifications: NotificationsService;
  sla: SlaService;
  tickets: TicketsService;
  workOrders: WorkOrdersService;
  shipments: ShipmentsService;
  tracking: TrackingService;
  exceptions: ExceptionsService;
  outbound: OutboundService;
  dcsa: DcsaService;
  publicTrack: PublicTrackService;
  satisfaction: SatisfactionModelsService;
  satisfactionIndex: SatisfactionIndexService;
  satisfactionAlerts: SatisfactionAlertsService;
  surveys: SurveysService;
  correctiveActions: CorrectiveActionsService;
}

export function createServices(ctx: AppContext): Services {
  return {
    audit: new AuditService(ctx),
    auth: new AuthService(ctx),
    customers: new CustomersService(ctx),
    departments: new DepartmentsService(ctx),
    followUps: new FollowUpsService(ctx),
    interactions: new InteractionsService(ctx),
    settings: new SettingsService(ctx),
    timeline: new TimelineService(ctx),
    users: new UsersService(ctx),
    commitments: new CommitmentsService(ctx),
    escalations: new EscalationsService(ctx),
    knowledge: new KnowledgeService(ctx),
    measures: new MeasuresService(ctx),
    notifications: new NotificationsService(ctx),
    sla: new SlaService(ctx),
    tickets: new TicketsService(ctx),
    workOrders: new WorkOrdersService(ctx),
    shipments: new ShipmentsService(ctx),
    tracking: new TrackingService(ctx),
    exceptions: new ExceptionsService(ctx),
    outbound: new OutboundService(ctx),
    dcsa: new DcsaService(ctx),
    publicTrack: new PublicTrackService(ctx),
    satisfaction: new SatisfactionModelsService(ctx),
    satisfactionIndex: new SatisfactionIndexService(ctx),
    satisfactionAlerts: new SatisfactionAlertsService(ctx),
    surveys: new SurveysService(ctx),
    correctiveActions: new CorrectiveActionsService(ctx),
  };
}
