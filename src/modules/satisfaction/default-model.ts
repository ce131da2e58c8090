import type { ModelNode } from '../../domain/satisfaction/model.ts';

/**
 * The default logistics satisfaction model (物流客户满意度测评指标体系): the ACSI-shaped tree of
 * seed 003 第五篇 with the service elements of SPEC §9 (seed 004: on-time delivery, damage-free,
 * delivery accuracy, information, complaint handling …). Perceived quality is split into
 * transport, information and people (level 3) so experts compare a handful of items at a time.
 * Weights are a plausible starting point for direct weighting; AHP or PLS replace them.
 */
export const DEFAULT_MODEL_NAME = '物流客户满意度测评（默认）';
export const DEFAULT_MODEL_DESCRIPTION =
  'ACSI 结构：客户期望、感知质量、感知价值、客户抱怨、客户回头率五个维度，23 个问卷题项，5 级李克特量表。';

type Leaf = Omit<ModelNode, 'level' | 'parentKey'>;

function leaves(parentKey: string, level: 3 | 4, items: Leaf[]): ModelNode[] {
  return items.map((item) => ({ ...item, parentKey, level }));
}

export function defaultModelNodes(): ModelNode[] {
  return [
    {
      key: 'satisfaction',
      parentKey: null,
      level: 1,
      nameZh: '客户满意度',
      nameEn: 'Customer satisfaction',
      weight: 1,
      childWeightMethod: 'direct',
    },
    // ---------------------------------------------------------------- 客户期望
    {
      key: 'expectation',
      parentKey: 'satisfaction',
      level: 2,
      dimension: 'expectation',
      nameZh: '客户期望',
      nameEn: 'Customer expectation',
      weight: 0.1,
      childWeightMethod: 'direct',
    },
    ...leaves('expectation', 3, [
      {
        key: 'expectation.overall',
        nameZh: '总体期望的满足',
        nameEn: 'Overall expectation met',
        questionZh: '与合作之前的期望相比，您对我们整体服务的满意程度如何？',
        questionEn:
          'Compared with what you expected before working with us, how satisfied are you with our service overall?',
        weight: 0.4,
        statedImportance: 4,
      },
      {
        key: 'expectation.reliability',
        nameZh: '可靠性期望的满足',
        nameEn: 'Reliability expectation met',
        questionZh: '与您对准时、安全交付的期望相比，您的满意程度如何？',
        questionEn: 'Compared with what you expected on on-time and safe delivery, how satisfied are you?',
        weight: 0.35,
        serviceElement: 'on_time_delivery',
        statedImportance: 5,
      },
      {
        key: 'expectation.customisation',
        nameZh: '个性化需求的满足',
        nameEn: 'Specific needs met',
        questionZh: '与您对满足贵司特殊需求（包装、时间窗、单证要求等）的期望相比，您的满意程度如何？',
        questionEn:
          'Compared with what you expected on meeting your specific needs (packing, time windows, documents), how satisfied are you?',
        weight: 0.25,
        statedImportance: 3,
      },
    ]),
    // ---------------------------------------------------------------- 感知质量
    {
      key: 'quality',
      parentKey: 'satisfaction',
      level: 2,
      dimension: 'quality',
      nameZh: '感知质量',
      nameEn: 'Perceived quality',
      weight: 0.35,
      childWeightMethod: 'direct',
    },
    {
      key: 'quality.transport',
      parentKey: 'quality',
      level: 3,
      nameZh: '运输服务',
      nameEn: 'Transport service',
      weight: 0.45,
      childWeightMethod: 'direct',
    },
    ...leaves('quality.transport', 4, [
      {
        key: 'quality.transport.on_time',
        nameZh: '准时交付',
        nameEn: 'On-time delivery',
        questionZh: '您对货物按承诺时间提货、送达是否满意？',
        questionEn: 'How satisfied are you that your goods are picked up and delivered at the promised time?',
        weight: 0.35,
        serviceElement: 'on_time_delivery',
        statedImportance: 5,
      },
      {
        key: 'quality.transport.speed',
        nameZh: '运输时效',
        nameEn: 'Transit speed',
        questionZh: '您对货物的运输时效（在途时间）是否满意？',
        questionEn: 'How satisfied are you with the transit time of your shipments?',
        weight: 0.2,
        serviceElement: 'transit_speed',
        statedImportance: 4,
      },
      {
        key: 'quality.transport.damage_free',
        nameZh: '货物完好',
        nameEn: 'Damage-free delivery',
        questionZh: '您对货物送达时完好无损、无丢失是否满意？',
        questionEn: 'How satisfied are you that your goods arrive undamaged and complete?',
        weight: 0.25,
        serviceElement: 'damage_free',
        statedImportance: 5,
      },
      {
        key: 'quality.transport.accuracy',
        nameZh: '交付准确',
        nameEn: 'Delivery accuracy',
        questionZh: '您对货物品种、数量和收货人准确无误是否满意？',
        questionEn:
          'How satisfied are you that the right goods, in the right quantity, reach the right consignee?',
        weight: 0.2,
        serviceElement: 'delivery_accuracy',
        statedImportance: 4,
      },
    ]),
    {
      key: 'quality.information',
      parentKey: 'quality',
      level: 3,
      nameZh: '信息服务',
      nameEn: 'Information service',
      weight: 0.25,
      childWeightMethod: 'direct',
    },
    ...leaves('quality.information', 4, [
      {
        key: 'quality.information.tracking',
        nameZh: '货物跟踪查询',
        nameEn: 'Shipment tracking',
        questionZh: '您对随时查询货物位置和状态（网站、门户、电话）是否满意？',
        questionEn:
          'How satisfied are you with finding out where your shipment is at any time (web, portal, phone)?',
        weight: 0.4,
        serviceElement: 'tracking_information',
        statedImportance: 4,
      },
      {
        key: 'quality.information.proactive',
        nameZh: '异常主动告知',
        nameEn: 'Proactive exception notice',
        questionZh: '出现延误或异常时，您对我们主动、及时通知您是否满意？',
        questionEn:
          'When a shipment is delayed or has a problem, how satisfied are you with how promptly we tell you?',
        weight: 0.35,
        serviceElement: 'tracking_information',
        statedImportance: 4,
      },
      {
        key: 'quality.information.documents',
        nameZh: '单证准确及时',
        nameEn: 'Documents and invoices',
        questionZh: '您对回单、账单等单证的准确和及时是否满意？',
        questionEn:
          'How satisfied are you with the accuracy and timeliness of proofs of delivery and invoices?',
        weight: 0.25,
        serviceElement: 'documentation',
        statedImportance: 3,
      },
    ]),
    {
      key: 'quality.people',
      parentKey: 'quality',
      level: 3,
      nameZh: '人员服务',
      nameEn: 'Staff service',
      weight: 0.3,
      childWeightMethod: 'direct',
    },
    ...leaves('quality.people', 4, [
      {
        key: 'quality.people.attitude',
        nameZh: '服务态度',
        nameEn: 'Staff attitude',
        questionZh: '您对客服、司机等服务人员的态度和礼貌是否满意？',
        questionEn: 'How satisfied are you with the attitude and courtesy of our service staff and drivers?',
        weight: 0.3,
        serviceElement: 'staff_attitude',
        statedImportance: 4,
      },
      {
        key: 'quality.people.response',
        nameZh: '响应速度',
        nameEn: 'Responsiveness',
        questionZh: '您对咨询和问题得到及时答复是否满意？',
        questionEn: 'How satisfied are you with how quickly your questions and requests are answered?',
        weight: 0.3,
        serviceElement: 'first_response',
        statedImportance: 4,
      },
      {
        key: 'quality.people.ordering',
        nameZh: '下单便利',
        nameEn: 'Ease of ordering',
        questionZh: '您对下单、预约提货的便利程度是否满意？',
        questionEn: 'How satisfied are you with how easy it is to place orders and book pick-ups?',
        weight: 0.2,
        serviceElement: 'order_convenience',
        statedImportance: 3,
      },
      {
        key: 'quality.people.expertise',
        nameZh: '专业能力',
        nameEn: 'Expertise',
        questionZh: '您对我们人员的专业知识和解决问题的能力是否满意？',
        questionEn: "How satisfied are you with our staff's expertise and ability to solve problems?",
        weight: 0.2,
        statedImportance: 3,
      },
    ]),
    // ---------------------------------------------------------------- 感知价值
    {
      key: 'value',
      parentKey: 'satisfaction',
      level: 2,
      dimension: 'value',
      nameZh: '感知价值',
      nameEn: 'Perceived value',
      weight: 0.2,
      childWeightMethod: 'direct',
    },
    ...leaves('value', 3, [
      {
        key: 'value.price_given_quality',
        nameZh: '质价相符',
        nameEn: 'Price given the quality',
        questionZh: '就我们提供的服务质量而言，您对价格是否满意？',
        questionEn: 'Given the quality of our service, how satisfied are you with the price?',
        weight: 0.4,
        serviceElement: 'price_value',
        statedImportance: 4,
      },
      {
        key: 'value.quality_given_price',
        nameZh: '物有所值',
        nameEn: 'Quality given the price',
        questionZh: '就您支付的费用而言，您对获得的服务质量是否满意？',
        questionEn: 'Given what you pay, how satisfied are you with the quality you receive?',
        weight: 0.35,
        serviceElement: 'price_value',
        statedImportance: 4,
      },
      {
        key: 'value.vs_competitors',
        nameZh: '相对竞争对手的性价比',
        nameEn: 'Value against competitors',
        questionZh: '与其他物流服务商相比，您对我们的性价比是否满意？',
        questionEn: 'Compared with other logistics providers, how satisfied are you with the value we offer?',
        weight: 0.25,
        serviceElement: 'price_value',
        statedImportance: 3,
      },
    ]),
    // ---------------------------------------------------------------- 客户抱怨
    {
      key: 'complaints',
      parentKey: 'satisfaction',
      level: 2,
      dimension: 'complaints',
      nameZh: '客户抱怨',
      nameEn: 'Complaints',
      weight: 0.15,
      childWeightMethod: 'direct',
    },
    ...leaves('complaints', 3, [
      {
        key: 'complaints.handling_speed',
        nameZh: '投诉处理速度',
        nameEn: 'Complaint handling speed',
        questionZh: '如果您曾向我们反映问题或投诉，您对处理的速度是否满意？',
        questionEn:
          'If you raised a problem or complaint with us, how satisfied were you with how fast it was handled?',
        weight: 0.35,
        serviceElement: 'complaint_handling',
        statedImportance: 4,
      },
      {
        key: 'complaints.handling_outcome',
        nameZh: '投诉处理结果',
        nameEn: 'Complaint outcome',
        questionZh: '您对投诉的处理结果（赔偿、整改、答复）是否满意？',
        questionEn: 'How satisfied were you with the outcome of your complaint (compensation, fix, answer)?',
        weight: 0.4,
        serviceElement: 'complaint_handling',
        statedImportance: 5,
      },
      {
        key: 'complaints.frequency',
        nameZh: '抱怨频率',
        nameEn: 'How often a problem made you complain',
        questionZh: '过去半年里，服务问题让您不得不催办或投诉的频率如何？',
        questionEn:
          'In the last six months, how often did a problem with our service make you chase us or complain?',
        weight: 0.25,
        // A high answer means frequent complaints, i.e. low satisfaction.
        reverse: true,
        scaleLabelsZh: ['非常频繁', '经常', '有时', '很少', '从未'],
        scaleLabelsEn: ['Very often', 'Often', 'Sometimes', 'Rarely', 'Never'],
        serviceElement: 'complaint_handling',
        statedImportance: 3,
      },
    ]),
    // ---------------------------------------------------------------- 客户回头率
    {
      key: 'loyalty',
      parentKey: 'satisfaction',
      level: 2,
      dimension: 'loyalty',
      nameZh: '客户回头率',
      nameEn: 'Loyalty',
      weight: 0.2,
      childWeightMethod: 'direct',
    },
    ...leaves('loyalty', 3, [
      {
        key: 'loyalty.reuse',
        nameZh: '继续合作意愿',
        nameEn: 'Will use us again',
        questionZh: '您对继续选择我们作为物流服务商的意愿程度如何？',
        questionEn: 'How strongly would you choose us again as your logistics provider?',
        weight: 0.45,
        statedImportance: 5,
      },
      {
        key: 'loyalty.recommend',
        nameZh: '推荐意愿',
        nameEn: 'Would recommend us',
        questionZh: '您向同行或合作伙伴推荐我们的意愿程度如何？',
        questionEn: 'How strongly would you recommend us to peers or partners?',
        weight: 0.3,
        statedImportance: 4,
      },
      {
        key: 'loyalty.more_business',
        nameZh: '增加业务意愿',
        nameEn: 'Would give us more business',
        questionZh: '您把更多线路或业务交给我们的意愿程度如何？',
        questionEn: 'How strongly would you give us more lanes or more of your business?',
        weight: 0.25,
        statedImportance: 4,
      },
    ]),
  ];
}
