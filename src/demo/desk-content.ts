/**
 * Texts of the demo service desk: standard answers (标准答案库), response templates (规范用语) and
 * the requests customers make, per ticket category. Written for Liaison's demo; plain data.
 */

export interface DemoArticle {
  topic: 'price' | 'service' | 'competitor' | 'process' | 'claims' | 'other';
  question: string;
  answer: string;
  tags: string[];
  /** Ticket category code, or none. */
  category?: string;
}

export const DEMO_ARTICLES: DemoArticle[] = [
  {
    topic: 'price',
    question: '海运整柜的报价包含哪些费用？',
    answer:
      '整柜报价一般分三块：起运港费用（拖车、报关、码头操作费 THC、文件费）、海运费（含燃油附加费 BAF，旺季可能另有旺季附加费 PSS），以及目的港费用（目的港 THC、换单费、清关和派送）。我们给出的"门到门"价格已包含三块，"港到港"价格只含海运费和起运港费用。报价有效期以报价单为准，通常为船公司运价的当月有效。',
    tags: ['整柜', '运费', '报价', 'FCL'],
  },
  {
    topic: 'price',
    question: '拼箱运费是怎么计算的？为什么按体积收费？',
    answer:
      '拼箱（LCL）按"计费吨"收费：货物的立方数和吨数取大者。例如 3 立方、1.2 吨的货按 3 个计费吨计算。因为拼箱在集装箱里占的是空间，轻泡货按体积计费才公平。起运港和目的港另有按计费吨收取的拼箱杂费，最低收费一般为 1 个计费吨。',
    tags: ['拼箱', '运费', 'LCL', '计费吨'],
  },
  {
    topic: 'price',
    question: '空运价格为什么每周都在变？',
    answer:
      '空运运价随航空公司舱位供需和燃油价格浮动，电商旺季和节假日前舱位紧张时上涨明显。我们每周一更新主要航线的参考价；签订月度或季度协议价的客户可以锁定价格区间，超出部分按协议约定的燃油附加费调整公式计算。',
    tags: ['空运', '运价', '燃油附加费'],
  },
  {
    topic: 'price',
    question: '仓储费怎么收取？有没有免费堆存期？',
    answer:
      '仓储费按托盘·天或立方·天计算，入库当日起算。普通货物入库后享有 7 天免费堆存期（协议客户可另行约定），超期部分按阶梯价收取：8–30 天为标准价，30 天以上上浮 20%。危险品、冷链货物单独报价，不享受免费期。',
    tags: ['仓储费', '免费期', '仓库'],
  },
  {
    topic: 'service',
    question: '货物到港后多久可以提货？',
    answer:
      '船舶靠港后一般 1–2 个工作日完成卸船，换单和清关顺利时第 3 个工作日即可安排提货。查验、单证不符或节假日会延长时间。我们的客服会在船舶靠港、放行和预约提货三个节点主动通知您，也可以在客户门户查看最新状态。',
    tags: ['到港', '提货', '清关', '时效'],
    category: 'information',
  },
  {
    topic: 'service',
    question: '怎样查询货物的实时状态？',
    answer:
      '登录 Liaison 客户门户，在"我的工单"和货物查询里输入提单号、运单号或我们的业务编号即可查看节点状态。重要节点（离港、到港、清关放行、签收）会通过您选择的渠道（短信、邮件或微信）推送。如果状态超过 24 小时没有更新，请直接联系您的专属客服。',
    tags: ['查询', '跟踪', '门户', '状态'],
    category: 'information',
  },
  {
    topic: 'service',
    question: '货物延误了，你们会怎么处理？',
    answer:
      '我们先核实延误的环节（订舱、港口拥堵、查验、转运或派送），并在 2 小时内告诉您原因和新的预计到达时间。因我方原因造成的延误，按合同约定承担相应责任；因船公司甩柜、天气或海关查验等不可控原因造成的，我们协助您向承运人索赔并提供全部证明材料。紧急货物可以改走空运或加急派送，费用差额事先与您确认。',
    tags: ['延误', '时效', '补救'],
    category: 'delay',
  },
  {
    topic: 'service',
    question: '派送能否预约时间或指定送货上门？',
    answer:
      '可以。城市配送支持预约送货时间段（上午、下午或指定两小时窗口），需要提前一个工作日告知。大件或托盘货需要确认收货地址是否有卸货平台或叉车；没有时我们可以安排尾板车，另收尾板费。',
    tags: ['派送', '预约', '配送'],
  },
  {
    topic: 'competitor',
    question: '为什么我们的报价比其他货代高？',
    answer:
      '比较价格时请留意报价口径：我们的报价是全包价，包含报关、保险代办、目的港清关协助和全程节点通知，部分同行的低价不含目的港费用或在到港后另收杂费。另外我们与主要船公司签有长期舱位协议，旺季也能保证放舱，甩柜率明显低于市场平均。如果您有具体的对比报价，我们可以逐项核对给出说明。',
    tags: ['同行', '价格', '对比', '全包价'],
  },
  {
    topic: 'competitor',
    question: '快递公司的国际件比你们的空运便宜，差别在哪里？',
    answer:
      '快递适合小件、急件，按实际重量或体积重量取大者计费，通常 21 公斤以下更划算。超过 45 公斤的货物走空运普货一般更便宜，而且可以正式报关、出口退税。我们可以根据货物重量、时效要求和是否需要退税，帮您测算两种方式的总成本。',
    tags: ['快递', '空运', '对比', '退税'],
  },
  {
    topic: 'competitor',
    question: '同行承诺的时效更短，我们能做到吗？',
    answer:
      '我们给出的时效是基于近三个月实际运输数据的承诺时效，不是最快的理论时效。如果您的货物有硬性时限，我们可以选择直航航班或快船、提前订舱并安排专人跟进，并在合同中写明延误的补偿办法。请把您的时限要求告诉我们，我们会给出可以兑现的方案。',
    tags: ['时效', '同行', '承诺'],
  },
  {
    topic: 'claims',
    question: '货物破损后如何申请理赔？需要哪些材料？',
    answer:
      '请在收货时在签收单上注明破损情况，并在 3 个工作日内提交：破损照片（外包装和货物本身）、签收单、商业发票或货值证明、装箱单，以及维修或报废的费用证明。我们收到完整材料后 5 个工作日内给出理赔方案；投保了货物运输险的，由我们协助向保险公司报案。',
    tags: ['理赔', '破损', '材料', '索赔'],
    category: 'damage',
  },
  {
    topic: 'claims',
    question: '货物丢失怎么赔偿？赔偿标准是什么？',
    answer:
      '确认丢失后（一般在应到时间后 10 个工作日查找无果），按合同约定的赔偿标准处理：未保价货物按运费的若干倍或每公斤限额赔偿，已保价或投保的按申报价值或保险金额赔付。我们会在确认丢失当天书面通知您，并在 15 个工作日内完成赔付。',
    tags: ['丢失', '赔偿', '保价', '保险'],
    category: 'loss',
  },
  {
    topic: 'process',
    question: '账单和费用有异议，怎么核对和更正？',
    answer:
      '请把有异议的账单号和费用项目发给您的专属客服，我们在 2 个工作日内与业务部门核对费用依据（报价单、船公司账单、港口收费凭证）。确认多收的，在下一期账单中冲减或单独退款；确认无误的，会把费用依据发给您查阅。',
    tags: ['账单', '费用', '异议', '对账'],
    category: 'billing',
  },
  {
    topic: 'process',
    question: '投诉之后多久有人回复？会有回访吗？',
    answer:
      '您的投诉由第一位接待的客服负责到底（首问负责制），一般情况 1 小时内首次回复，A 类重点客户 30 分钟内回复。处理完毕后我们会请您确认结果，并在一周内安排回访；投诉类问题一个月后还有二次回访，确认问题没有再次发生。',
    tags: ['投诉', '回访', '首问负责制', '时效'],
  },
];

export interface DemoTemplate {
  kind: 'apology' | 'explanation' | 'acknowledgement' | 'closing';
  title: string;
  body: string;
  category?: string;
}

export const DEMO_TEMPLATES: DemoTemplate[] = [
  {
    kind: 'acknowledgement',
    title: '受理确认',
    body: '{{contact.name}}您好，我是{{customer.name}}的专属客服{{agent.name}}。您反映的问题已登记为工单{{ticket.number}}（{{ticket.subject}}），我会全程跟进，并在处理过程中随时向您通报进展。',
  },
  {
    kind: 'closing',
    title: '结案确认',
    body: '{{contact.name}}您好，工单{{ticket.number}}已按双方确认的方案处理完毕。如您对结果满意，请回复确认；如仍有疑问，请直接联系我（{{agent.name}}），我们会继续跟进。感谢您对我们工作的支持！',
  },
  {
    kind: 'explanation',
    title: '等待客户补充资料',
    body: '{{contact.name}}您好，为尽快处理工单{{ticket.number}}，还需要您补充相关资料（照片、单据或货值证明）。收到资料后我们会立即推进，期间处理时限暂停计算。',
  },
  {
    kind: 'apology',
    title: '延误致歉',
    category: 'delay',
    body: '尊敬的{{customer.name}}：关于工单{{ticket.number}}所涉货物延误一事，我们深表歉意。延误原因已在核实，预计今天内给您明确的新到达时间和补救方案。给您的生产和销售安排带来不便，敬请谅解。——{{agent.name}}，{{today}}',
  },
  {
    kind: 'apology',
    title: '破损致歉',
    category: 'damage',
    body: '尊敬的{{customer.name}}：得知您的货物在运输中出现破损，我们非常抱歉。我已安排仓储和运输部门调查原因，请您保留外包装并提供破损照片，我们将按理赔流程尽快给出处理方案。工单号：{{ticket.number}}。',
  },
  {
    kind: 'explanation',
    title: '理赔流程说明',
    category: 'damage',
    body: '{{contact.name}}您好，破损理赔需要：1. 破损照片；2. 签收单（注明破损）；3. 商业发票或货值证明；4. 维修或报废费用证明。材料齐全后 5 个工作日内给出方案。工单{{ticket.number}}由我（{{agent.name}}）负责跟进。',
  },
  {
    kind: 'apology',
    title: '丢失致歉',
    category: 'loss',
    body: '尊敬的{{customer.name}}：您的货物未能按时到达，我们正全力查找，并已通知沿途各站点核查。在 {{today}} 起的查找期内，我会每天向您通报进展。对此给您带来的损失和不便，我们深表歉意。',
  },
  {
    kind: 'explanation',
    title: '费用核对说明',
    category: 'billing',
    body: '{{contact.name}}您好，关于您对账单费用的疑问（工单{{ticket.number}}），我们已请业务部门核对费用依据，2 个工作日内把核对结果和凭证发给您。如确认多收，将在下期账单中冲减。',
  },
  {
    kind: 'apology',
    title: '服务态度致歉',
    category: 'attitude',
    body: '尊敬的{{customer.name}}：对于我方人员在服务中给您带来的不愉快经历，我们诚恳致歉。公司已对相关人员进行批评教育，并将此事纳入服务考核。今后由我（{{agent.name}}）作为您的对接人，欢迎随时监督。',
  },
  {
    kind: 'explanation',
    title: '节点信息延迟说明',
    category: 'information',
    body: '{{contact.name}}您好，工单{{ticket.number}}中反映的状态未及时更新，原因是承运人系统数据延迟回传。我们已人工核实最新状态并补录，今后重要节点将由专人每日核对，确保及时通知到您。',
  },
];

/** What customers ask or complain about, per category (subject, the customer's words, what they want). */
export interface Scenario {
  subject: string;
  words: string;
  request: string | null;
}

export const SCENARIOS: Record<string, Scenario[]> = {
  delay: [
    {
      subject: '海运柜在港滞留未能按期到达',
      words: '我们的柜子原定上周到港，现在还没有消息，工厂等着原料开工，你们到底怎么安排的？',
      request: '尽快给出确切到港时间，并承担延误造成的损失',
    },
    {
      subject: '空运货物晚到两天',
      words: '说好周三到的空运货，周五才到，客户那边已经扣了我们的款。',
      request: '要求减免本票运费',
    },
    {
      subject: '派送延误错过客户收货时间',
      words: '约好上午十点前送到，结果下午三点才到，收货方仓库已经下班，只能第二天再送。',
      request: '二次派送费用由你们承担',
    },
    {
      subject: '清关时间过长影响交货',
      words: '报关资料早就给了，为什么清关拖了四天？',
      request: '说明原因并加急处理',
    },
  ],
  damage: [
    {
      subject: '到仓货物外箱破损',
      words: '今天收到的两托货，外箱压坏了好几个，里面的产品有划伤，收货的时候司机还催着签字。',
      request: '按货值赔偿破损部分',
    },
    {
      subject: '精密仪器运输途中受损',
      words: '仪器开箱后发现屏幕碎了，包装上明明贴了易碎标志。',
      request: '赔偿维修费用并说明原因',
    },
    {
      subject: '冷链货物温度超标',
      words: '温度记录显示运输途中有六个小时超过 8 度，这批疫苗原料只能报废。',
      request: '全额赔偿并提供温控记录',
    },
    {
      subject: '托盘倒塌导致货物受损',
      words: '卸货时发现托盘缠绕膜松了，货倒了一地，损失不小。',
      request: '赔偿损失，改进装载方式',
    },
  ],
  loss: [
    {
      subject: '拼箱货物少了三件',
      words: '提货时点数少了三件，装箱单上写的是 48 件，实收 45 件。',
      request: '查找缺少的货物，找不到按价赔偿',
    },
    {
      subject: '快件签收后收货人说没收到',
      words: '系统显示已签收，但收货人说根本没有收到货，签收人也不认识。',
      request: '提供签收凭证并找回货物',
    },
    {
      subject: '仓库盘点发现库存短少',
      words: '月底盘点我们在你们仓库的库存少了两箱，系统数量和实际对不上。',
      request: '查明原因并补偿',
    },
  ],
  misdelivery: [
    {
      subject: '货物送错收货地址',
      words: '货送到了我们的老仓库，新地址早就通知过你们了。',
      request: '立即转运到正确地址，运费你们出',
    },
    {
      subject: '两票货物标签贴错',
      words: '我们的两批货标签贴反了，苏州的货发到了无锡。',
      request: '尽快调换并说明原因',
    },
  ],
  billing: [
    {
      subject: '账单中出现未约定的附加费',
      words: '这个月账单里多了一项"港口拥堵附加费"，报价时从来没提过。',
      request: '取消这项费用或给出依据',
    },
    {
      subject: '仓储费计算天数有误',
      words: '货物 3 号入库 12 号出库，账单按 15 天收了仓储费，而且没有扣免费期。',
      request: '更正账单',
    },
    {
      subject: '运费发票金额与报价不符',
      words: '发票比报价单多了八百块，业务员说是汇率差，但报价是人民币。',
      request: '按报价重开发票',
    },
  ],
  attitude: [
    {
      subject: '司机态度恶劣',
      words: '送货司机不愿意把货搬进仓库，还跟我们的仓管吵起来。',
      request: '要求道歉并更换司机',
    },
    {
      subject: '电话多次无人接听',
      words: '打了你们客服电话五六次都没人接，邮件也不回。',
      request: '指定专人对接',
    },
  ],
  information: [
    {
      subject: '到港信息未及时通知',
      words: '货到港三天了才通知我们，产生了额外的堆存费。',
      request: '承担多出的堆存费',
    },
    {
      subject: '跟踪系统状态长期不更新',
      words: '门户上的状态一个星期都是"已离港"，到底到哪里了？',
      request: '提供准确的运输状态',
    },
  ],
  other: [
    {
      subject: '咨询危险品出运要求',
      words: '我们有一批锂电池要出口到德国，需要准备什么资料？',
      request: null,
    },
    {
      subject: '希望增加周末收货服务',
      words: '我们周末也生产，希望仓库周六能收货。',
      request: null,
    },
  ],
};

/** Inquiries: what customers ask (category information / billing / other). */
export const INQUIRIES: (Scenario & { category: string })[] = [
  {
    category: 'billing',
    subject: '咨询上海到汉堡整柜运价',
    words: '下个月有两个 40 尺高柜到汉堡，想了解一下现在的海运费和门到门价格。',
    request: null,
  },
  {
    category: 'billing',
    subject: '拼箱运费怎么算',
    words: '我们的货大概 3 个立方，1 吨多，拼箱到新加坡大概多少钱？',
    request: null,
  },
  {
    category: 'other',
    subject: '咨询仓储免费堆存期',
    words: '货物进你们仓库有没有免费期？超期怎么收费？',
    request: null,
  },
  {
    category: 'information',
    subject: '查询货物预计到港时间',
    words: '提单号已经发给你们了，想知道船什么时候到宁波。',
    request: null,
  },
  {
    category: 'other',
    subject: '对比同行报价',
    words: '别家的报价比你们便宜百分之十，你们的价格能不能再优惠一点？',
    request: '希望调整报价',
  },
  {
    category: 'information',
    subject: '如何在门户查询物流状态',
    words: '新来的同事不会用你们的门户查货，能不能教一下？',
    request: null,
  },
  {
    category: 'other',
    subject: '快递和空运哪个更划算',
    words: '一批 60 公斤的样品要寄到美国，走快递还是空运便宜？',
    request: null,
  },
];

/** Suggestions (建议) customers send. */
export const SUGGESTIONS: Scenario[] = [
  {
    subject: '建议账单按项目分开开票',
    words: '我们有几个项目共用一个账户，希望账单能按项目分开。',
    request: null,
  },
  {
    subject: '建议增加微信到港通知',
    words: '短信容易被忽略，希望到港通知能发到微信。',
    request: null,
  },
];

/** Internal notes agents leave on a ticket. */
export const NOTES = [
  '已联系业务部门核实，等待回复。',
  '查看了系统记录，与客户描述一致。',
  '客户情绪较激动，注意沟通方式。',
  '该客户为重点客户，已报主管知悉。',
  '已调取签收单和现场照片。',
];

/** First replies to the customer. */
export const REPLIES = [
  '您好，您反映的情况我们已经收到，正在核实，今天内给您答复。',
  '您好，已经安排相关部门调查，有进展我会第一时间通知您。',
  '您好，感谢您的耐心，核实结果和处理方案如下，请您查看确认。',
];

/** Work-order instructions and results per category, with the department that does the work. */
export const WORK: Record<string, { departments: string[]; instructions: string; result: string }> = {
  delay: {
    departments: ['SEA-IMP', 'AIR-IMP', 'TRANSPORT'],
    instructions: '请核实延误环节和原因，给出新的预计到达时间，能否加急。',
    result: '已核实：船公司甩柜导致晚一班船，已改配下一班并申请优先卸船，预计延误两天。',
  },
  damage: {
    departments: ['WAREHOUSE', 'TRANSPORT', 'DISTRIBUTION'],
    instructions: '请调取装卸记录和现场照片，确认破损发生环节，评估损失。',
    result: '经核查为装车时堆码过高导致底层受压，已拍照取证，损失评估约为货值的 15%。',
  },
  loss: {
    departments: ['WAREHOUSE', 'DISTRIBUTION'],
    instructions: '请盘点相关批次并查看监控和交接记录，查找缺失货物。',
    result: '在中转仓找到两件错分的货物，另一件仍在查找，已安排明天随车送达。',
  },
  misdelivery: {
    departments: ['DISTRIBUTION', 'TRANSPORT'],
    instructions: '请立即安排转运到正确地址，并核查派送单地址来源。',
    result: '已于当天转运到新地址并签收；原因是派送系统仍用旧地址，已更新客户档案地址。',
  },
  billing: {
    departments: ['SEA-EXP', 'AIR-EXP'],
    instructions: '请核对该账单的费用依据（报价单、承运人账单），说明差异。',
    result: '核对发现附加费属于承运人临时加收，报价时未告知客户，同意本次减免。',
  },
  information: {
    departments: ['SEA-IMP', 'AIR-IMP'],
    instructions: '请核实最新节点状态并补录系统，说明信息延迟原因。',
    result: '已补录到港和放行节点；延迟原因为承运人 EDI 回传中断，已改为每日人工核对。',
  },
};

/** Complaint cards of closed complaints: root cause class, measures, results, verification. */
export const CARD = {
  value: {
    measures: '调整报价说明，把附加费项目写进报价单；对该客户本次费用给予减免。',
    result: '减免争议费用，重新出具账单，客户接受。',
  },
  system: {
    measures: '修订操作流程：装载前检查堆码高度；派送系统地址改为与客户档案同步。',
    result: '按货值比例赔偿损失，并承诺后续货物加固包装。',
  },
  people: {
    measures: '对责任人进行培训和考核，服务不达标者调离岗位。',
    result: '向客户书面致歉，指定资深客服专人对接。',
  },
} as const;

export const VERIFICATIONS = [
  '二次回访客户确认近一个月未再发生同类问题。',
  '回访时客户表示对处理结果满意，后续发货正常。',
  '抽查后续三票货物，操作规范，未再出现问题。',
];

export const PROMISES = [
  { promise: '三个工作日内给出书面理赔方案', bottomLine: '赔偿不超过运费的 30%' },
  { promise: '下一票货免收仓储费', bottomLine: '减免不超过 500 元' },
  { promise: '本周内安排专车加急派送', bottomLine: null },
  { promise: '每天下午五点前通报货物最新状态', bottomLine: null },
  { promise: '减免本票港口附加费', bottomLine: '减免不超过 1 000 元' },
  { promise: '按货值全额赔偿破损货物', bottomLine: '赔偿不超过运费的 30%' },
];

export const ESCALATION_PLACES = ['客户公司会议室', '我司上海总部会议室', '客户仓库现场'];
