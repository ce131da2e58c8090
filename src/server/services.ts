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
  };
}
