import { AuditService } from '../modules/audit/service.ts';
import { AuthService } from '../modules/auth/service.ts';
import { CustomersService } from '../modules/customers/service.ts';
import { DepartmentsService } from '../modules/departments/service.ts';
import { FollowUpsService } from '../modules/followups/service.ts';
import { InteractionsService } from '../modules/interactions/service.ts';
import { SettingsService } from '../modules/settings/service.ts';
import { TimelineService } from '../modules/timeline/service.ts';
import { UsersService } from '../modules/users/service.ts';
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
  };
}
