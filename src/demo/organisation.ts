/** The demo company: its departments and staff accounts. Plain data; the loader creates them. */
import { GIVEN_NAMES, SURNAMES } from './vocabulary.ts';

export interface DemoDepartment {
  code: string;
  name: string;
  nameEn: string;
  parent: string | null;
}

export const DEMO_DEPARTMENTS: DemoDepartment[] = [
  { code: 'HQ', name: '总经理办公室', nameEn: 'General Management', parent: null },
  { code: 'CS', name: '客户服务中心', nameEn: 'Customer Service Centre', parent: 'HQ' },
  { code: 'AIR-EXP', name: '空运出口部', nameEn: 'Air Export', parent: 'HQ' },
  { code: 'AIR-IMP', name: '空运进口部', nameEn: 'Air Import', parent: 'HQ' },
  { code: 'SEA-EXP', name: '海运出口部', nameEn: 'Sea Export', parent: 'HQ' },
  { code: 'SEA-IMP', name: '海运进口部', nameEn: 'Sea Import', parent: 'HQ' },
  { code: 'WAREHOUSE', name: '仓储部', nameEn: 'Warehousing', parent: 'HQ' },
  { code: 'TRANSPORT', name: '运输部', nameEn: 'Transport', parent: 'HQ' },
  { code: 'DISTRIBUTION', name: '配送部', nameEn: 'Distribution', parent: 'HQ' },
];

/** Departments that do operations work on shipments (one operations user each). */
export const OPERATIONS_DEPARTMENTS = [
  'AIR-EXP',
  'AIR-IMP',
  'SEA-EXP',
  'SEA-IMP',
  'WAREHOUSE',
  'TRANSPORT',
  'DISTRIBUTION',
];

export interface DemoUser {
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'operations' | 'manager';
  department: string;
  /** Head of this department. */
  heads?: string;
}

const OPERATIONS_NAMES: Record<string, string> = {
  'AIR-EXP': '陈国强',
  'AIR-IMP': '林雪梅',
  'SEA-EXP': '黄志明',
  'SEA-IMP': '吴海燕',
  WAREHOUSE: '赵建军',
  TRANSPORT: '孙立新',
  DISTRIBUTION: '郑小兵',
};

const AGENT_NAMES = ['王晓燕', '李俊杰', '张婷婷', '刘洋', '陈静', '杨帆', '周敏', '徐磊', '孙悦', '马超'];

/** Agent n's name: the ten above, then surname × given-name combinations (distinct for n ≤ 1 800). */
function agentName(n: number): string {
  if (n <= AGENT_NAMES.length) return AGENT_NAMES[n - 1];
  const i = n - AGENT_NAMES.length - 1;
  return (
    SURNAMES[i % SURNAMES.length][0] +
    GIVEN_NAMES[(i * 7 + Math.floor(i / SURNAMES.length)) % GIVEN_NAMES.length][0]
  );
}

/**
 * The demo staff. `agents` grows with the data volume (one agent per ~1 500 customers) so that a
 * large demo still has believable task lists.
 */
export function demoUsers(agents = 4): DemoUser[] {
  const users: DemoUser[] = [
    { email: 'manager@demo.liaison.local', name: '郑经理', role: 'manager', department: 'HQ', heads: 'HQ' },
    {
      email: 'supervisor@demo.liaison.local',
      name: '何主管',
      role: 'supervisor',
      department: 'CS',
      heads: 'CS',
    },
  ];
  for (let i = 1; i <= agents; i++) {
    users.push({
      email: `agent${i}@demo.liaison.local`,
      name: agentName(i),
      role: 'agent',
      department: 'CS',
    });
  }
  for (const code of OPERATIONS_DEPARTMENTS) {
    users.push({
      email: `${code.toLowerCase()}@demo.liaison.local`,
      name: OPERATIONS_NAMES[code],
      role: 'operations',
      department: code,
      heads: code,
    });
  }
  return users;
}

/** Customers per agent when the demo grows (a busy key-account desk). */
export const CUSTOMERS_PER_AGENT = 1500;
