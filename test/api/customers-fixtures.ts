import { expect } from 'vitest';
import type { Client, TestApp } from '../support/harness.ts';

/**
 * An organisation for customer tests: a service centre with two teams, an operations department,
 * and one user of every role. Team A: agentA, agentA2 and supervisorA; team B: agentB, supervisorB.
 */
export interface Org {
  centre: string;
  teamA: string;
  teamB: string;
  seaExport: string;
  airExport: string;
  agentA: Client;
  agentA2: Client;
  agentB: Client;
  supervisorA: Client;
  supervisorB: Client;
  manager: Client;
  operations: Client;
}

let counter = 0;

export async function setupOrg(t: TestApp): Promise<Org> {
  counter += 1;
  const department = async (code: string, name: string, parentId?: string) => {
    const response = await t.admin.post('/api/departments', { code: `${code}${counter}`, name, parentId });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const centre = await department('CS', '客户服务中心');
  const teamA = await department('CSA', '客服一组', centre);
  const teamB = await department('CSB', '客服二组', centre);
  const seaExport = await department('SEX', '海运出口部');
  const airExport = await department('AEX', '空运出口部');
  return {
    centre,
    teamA,
    teamB,
    seaExport,
    airExport,
    agentA: await t.userClient('agent', { departmentId: teamA, name: '王芳' }),
    agentA2: await t.userClient('agent', { departmentId: teamA, name: '李强' }),
    agentB: await t.userClient('agent', { departmentId: teamB, name: '赵敏' }),
    supervisorA: await t.userClient('supervisor', { departmentId: teamA, name: '陈主管' }),
    supervisorB: await t.userClient('supervisor', { departmentId: teamB, name: '周主管' }),
    manager: await t.userClient('manager', { name: '刘经理' }),
    operations: await t.userClient('operations', { departmentId: seaExport, name: '孙操作' }),
  };
}

let sequence = 0;
const PLACES = [
  '宁波',
  '青岛',
  '天津',
  '厦门',
  '大连',
  '苏州',
  '无锡',
  '南京',
  '杭州',
  '广州',
  '东莞',
  '佛山',
];
const TRADES = [
  '纺织',
  '机电',
  '五金',
  '家具',
  '玩具',
  '陶瓷',
  '化工',
  '医药',
  '食品',
  '电子',
  '汽配',
  '灯具',
];
const BRANDS = [
  '华鑫',
  '恒泰',
  '金诚',
  '瑞丰',
  '宏达',
  '永盛',
  '东方',
  '新纪元',
  '嘉禾',
  '万通',
  '鼎盛',
  '鸿运',
];

/** A distinct, realistic company name (different enough from the others not to look like a duplicate). */
export function companyName(): string {
  sequence += 1;
  const n = sequence;
  return `${PLACES[n % 12]}${BRANDS[Math.floor(n / 12) % 12]}${TRADES[Math.floor(n / 144) % 12]}${n}号进出口有限公司`;
}

/** Creates a customer (duplicates confirmed, so unrelated tests never trip the duplicate check). */
export async function createCustomer(client: Client, body: Record<string, unknown> = {}) {
  const response = await client.post('/api/customers', {
    name: companyName(),
    confirmDuplicate: true,
    ...body,
  });
  if (response.status !== 201)
    throw new Error(`create customer failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Valid unified social credit codes computed with the GB 32100 check character. */
export function taxId(seed: number): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = `913101${String(15 + (seed % 80)).padStart(2, '0')}${String(seed).padStart(9, '0').slice(-9)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(body[i]) * weights[i];
  return body + alphabet[(31 - (sum % 31)) % 31];
}
