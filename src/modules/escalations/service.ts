import type { DbOrTx } from '../../db/index.ts';
import type { AppContext } from '../../server/context.ts';

export type EscalationTrigger = 'manual' | 'sla_breach' | 'reopened';

export class EscalationsService {
  constructor(readonly ctx: AppContext) {}

  /**
   * 换人 by the system (SLA breach, reopenings) to the next person up the ladder inside `tx`;
   * nothing when there is nobody higher. Returns whether the ticket moved.
   */
  async autoEscalate(
    _tx: DbOrTx,
    _ticketId: string,
    _trigger: EscalationTrigger,
    _reason: string,
  ): Promise<boolean> {
    return false;
  }
}
