/**
 * Places the demo data is drawn from: Chinese cities where shippers sit (with districts, their
 * administrative division codes for tax ids, postcodes and telephone area codes) and the
 * UN/LOCODEs of the ports, airports and rail terminals of their usual lanes.
 */

export interface District {
  name: string;
  /** GB/T 2260 administrative division code. */
  division: string;
  postcode: string;
}

export interface City {
  name: string;
  /** Province prefix used in full addresses ('' for municipalities). */
  province: string;
  pinyin: string;
  areaCode: string;
  /** How often shippers of this city appear (relative). */
  weight: number;
  districts: District[];
  seaPorts: string[];
  airports: string[];
  /** Domestic city code for road lanes. */
  locode: string;
}

export const CITIES: City[] = [
  {
    name: '上海',
    province: '',
    pinyin: 'shanghai',
    areaCode: '021',
    weight: 22,
    districts: [
      { name: '浦东新区', division: '310115', postcode: '201206' },
      { name: '闵行区', division: '310112', postcode: '201100' },
      { name: '嘉定区', division: '310114', postcode: '201800' },
      { name: '松江区', division: '310117', postcode: '201600' },
      { name: '青浦区', division: '310118', postcode: '201700' },
      { name: '宝山区', division: '310113', postcode: '201900' },
      { name: '静安区', division: '310106', postcode: '200040' },
      { name: '徐汇区', division: '310104', postcode: '200030' },
    ],
    seaPorts: ['CNSHA'],
    airports: ['CNPVG'],
    locode: 'CNSHA',
  },
  {
    name: '宁波',
    province: '浙江省',
    pinyin: 'ningbo',
    areaCode: '0574',
    weight: 12,
    districts: [
      { name: '鄞州区', division: '330212', postcode: '315100' },
      { name: '北仑区', division: '330206', postcode: '315800' },
      { name: '镇海区', division: '330211', postcode: '315200' },
      { name: '海曙区', division: '330203', postcode: '315000' },
      { name: '慈溪市', division: '330282', postcode: '315300' },
      { name: '余姚市', division: '330281', postcode: '315400' },
    ],
    seaPorts: ['CNNGB'],
    airports: ['CNPVG', 'CNHGH'],
    locode: 'CNNGB',
  },
  {
    name: '深圳',
    province: '广东省',
    pinyin: 'shenzhen',
    areaCode: '0755',
    weight: 16,
    districts: [
      { name: '南山区', division: '440305', postcode: '518052' },
      { name: '福田区', division: '440304', postcode: '518048' },
      { name: '宝安区', division: '440306', postcode: '518101' },
      { name: '龙岗区', division: '440307', postcode: '518116' },
      { name: '龙华区', division: '440309', postcode: '518109' },
    ],
    seaPorts: ['CNSZX', 'CNYTN', 'CNSHK'],
    airports: ['CNSZX', 'HKHKG'],
    locode: 'CNSZX',
  },
  {
    name: '广州',
    province: '广东省',
    pinyin: 'guangzhou',
    areaCode: '020',
    weight: 9,
    districts: [
      { name: '天河区', division: '440106', postcode: '510630' },
      { name: '白云区', division: '440111', postcode: '510440' },
      { name: '番禺区', division: '440113', postcode: '511400' },
      { name: '黄埔区', division: '440112', postcode: '510700' },
    ],
    seaPorts: ['CNNSA', 'CNCAN'],
    airports: ['CNCAN'],
    locode: 'CNCAN',
  },
  {
    name: '苏州',
    province: '江苏省',
    pinyin: 'suzhou',
    areaCode: '0512',
    weight: 8,
    districts: [
      { name: '吴中区', division: '320506', postcode: '215128' },
      { name: '相城区', division: '320507', postcode: '215131' },
      { name: '姑苏区', division: '320508', postcode: '215031' },
      { name: '吴江区', division: '320509', postcode: '215200' },
      { name: '昆山市', division: '320583', postcode: '215300' },
    ],
    seaPorts: ['CNSHA'],
    airports: ['CNPVG'],
    locode: 'CNSZV',
  },
  {
    name: '杭州',
    province: '浙江省',
    pinyin: 'hangzhou',
    areaCode: '0571',
    weight: 6,
    districts: [
      { name: '余杭区', division: '330110', postcode: '311100' },
      { name: '萧山区', division: '330109', postcode: '311200' },
      { name: '西湖区', division: '330106', postcode: '310013' },
      { name: '滨江区', division: '330108', postcode: '310051' },
    ],
    seaPorts: ['CNNGB', 'CNSHA'],
    airports: ['CNHGH', 'CNPVG'],
    locode: 'CNHGH',
  },
  {
    name: '义乌',
    province: '浙江省',
    pinyin: 'yiwu',
    areaCode: '0579',
    weight: 4,
    districts: [
      { name: '稠城街道', division: '330782', postcode: '322000' },
      { name: '北苑街道', division: '330782', postcode: '322000' },
      { name: '福田街道', division: '330782', postcode: '322000' },
    ],
    seaPorts: ['CNNGB'],
    airports: ['CNPVG'],
    locode: 'CNYIW',
  },
  {
    name: '厦门',
    province: '福建省',
    pinyin: 'xiamen',
    areaCode: '0592',
    weight: 4,
    districts: [
      { name: '思明区', division: '350203', postcode: '361001' },
      { name: '湖里区', division: '350206', postcode: '361006' },
      { name: '海沧区', division: '350205', postcode: '361026' },
      { name: '集美区', division: '350211', postcode: '361021' },
    ],
    seaPorts: ['CNXMN'],
    airports: ['CNXMN'],
    locode: 'CNXMN',
  },
  {
    name: '青岛',
    province: '山东省',
    pinyin: 'qingdao',
    areaCode: '0532',
    weight: 5,
    districts: [
      { name: '黄岛区', division: '370211', postcode: '266400' },
      { name: '城阳区', division: '370214', postcode: '266109' },
      { name: '市南区', division: '370202', postcode: '266001' },
      { name: '李沧区', division: '370213', postcode: '266041' },
    ],
    seaPorts: ['CNTAO'],
    airports: ['CNTAO'],
    locode: 'CNTAO',
  },
  {
    name: '天津',
    province: '',
    pinyin: 'tianjin',
    areaCode: '022',
    weight: 4,
    districts: [
      { name: '滨海新区', division: '120116', postcode: '300457' },
      { name: '东丽区', division: '120110', postcode: '300300' },
      { name: '西青区', division: '120111', postcode: '300380' },
    ],
    seaPorts: ['CNTXG'],
    airports: ['CNTSN', 'CNPEK'],
    locode: 'CNTSN',
  },
  {
    name: '北京',
    province: '',
    pinyin: 'beijing',
    areaCode: '010',
    weight: 4,
    districts: [
      { name: '朝阳区', division: '110105', postcode: '100020' },
      { name: '顺义区', division: '110113', postcode: '101300' },
      { name: '大兴区', division: '110115', postcode: '102600' },
      { name: '海淀区', division: '110108', postcode: '100080' },
    ],
    seaPorts: ['CNTXG'],
    airports: ['CNPEK'],
    locode: 'CNBJS',
  },
  {
    name: '东莞',
    province: '广东省',
    pinyin: 'dongguan',
    areaCode: '0769',
    weight: 5,
    districts: [
      { name: '长安镇', division: '441900', postcode: '523850' },
      { name: '虎门镇', division: '441900', postcode: '523900' },
      { name: '松山湖', division: '441900', postcode: '523808' },
    ],
    seaPorts: ['CNYTN', 'CNSZX'],
    airports: ['CNSZX', 'HKHKG'],
    locode: 'CNDGG',
  },
  {
    name: '成都',
    province: '四川省',
    pinyin: 'chengdu',
    areaCode: '028',
    weight: 3,
    districts: [
      { name: '武侯区', division: '510107', postcode: '610041' },
      { name: '双流区', division: '510116', postcode: '610200' },
      { name: '青白江区', division: '510113', postcode: '610300' },
    ],
    seaPorts: ['CNSHA'],
    airports: ['CNCTU'],
    locode: 'CNCTU',
  },
  {
    name: '重庆',
    province: '',
    pinyin: 'chongqing',
    areaCode: '023',
    weight: 3,
    districts: [
      { name: '渝北区', division: '500112', postcode: '401120' },
      { name: '沙坪坝区', division: '500106', postcode: '400030' },
    ],
    seaPorts: ['CNSHA'],
    airports: ['CNCKG'],
    locode: 'CNCKG',
  },
  {
    name: '郑州',
    province: '河南省',
    pinyin: 'zhengzhou',
    areaCode: '0371',
    weight: 2,
    districts: [
      { name: '金水区', division: '410105', postcode: '450000' },
      { name: '新郑市', division: '410184', postcode: '451100' },
    ],
    seaPorts: ['CNTAO'],
    airports: ['CNCGO'],
    locode: 'CNCGO',
  },
  {
    name: '武汉',
    province: '湖北省',
    pinyin: 'wuhan',
    areaCode: '027',
    weight: 2,
    districts: [
      { name: '东西湖区', division: '420112', postcode: '430040' },
      { name: '江夏区', division: '420115', postcode: '430200' },
      { name: '洪山区', division: '420111', postcode: '430070' },
    ],
    seaPorts: ['CNSHA'],
    airports: ['CNWUH'],
    locode: 'CNWUH',
  },
];

export interface Place {
  code: string;
  name: string;
  region: 'north_america' | 'europe' | 'asia' | 'middle_east' | 'oceania' | 'latin_america' | 'china';
}

/** Overseas sea ports, by trade lane region. */
export const SEA_PORTS: Place[] = [
  { code: 'USLAX', name: 'Los Angeles', region: 'north_america' },
  { code: 'USLGB', name: 'Long Beach', region: 'north_america' },
  { code: 'USNYC', name: 'New York', region: 'north_america' },
  { code: 'USSAV', name: 'Savannah', region: 'north_america' },
  { code: 'USSEA', name: 'Seattle', region: 'north_america' },
  { code: 'CAVAN', name: 'Vancouver', region: 'north_america' },
  { code: 'DEHAM', name: 'Hamburg', region: 'europe' },
  { code: 'NLRTM', name: 'Rotterdam', region: 'europe' },
  { code: 'BEANR', name: 'Antwerp', region: 'europe' },
  { code: 'GBFXT', name: 'Felixstowe', region: 'europe' },
  { code: 'FRLEH', name: 'Le Havre', region: 'europe' },
  { code: 'ESVLC', name: 'Valencia', region: 'europe' },
  { code: 'ITGOA', name: 'Genoa', region: 'europe' },
  { code: 'PLGDN', name: 'Gdansk', region: 'europe' },
  { code: 'SGSIN', name: 'Singapore', region: 'asia' },
  { code: 'JPTYO', name: 'Tokyo', region: 'asia' },
  { code: 'JPOSA', name: 'Osaka', region: 'asia' },
  { code: 'KRPUS', name: 'Busan', region: 'asia' },
  { code: 'VNSGN', name: 'Ho Chi Minh City', region: 'asia' },
  { code: 'THLCH', name: 'Laem Chabang', region: 'asia' },
  { code: 'MYPKG', name: 'Port Klang', region: 'asia' },
  { code: 'IDJKT', name: 'Jakarta', region: 'asia' },
  { code: 'INNSA', name: 'Nhava Sheva', region: 'asia' },
  { code: 'AEJEA', name: 'Jebel Ali', region: 'middle_east' },
  { code: 'SAJED', name: 'Jeddah', region: 'middle_east' },
  { code: 'AUSYD', name: 'Sydney', region: 'oceania' },
  { code: 'AUMEL', name: 'Melbourne', region: 'oceania' },
  { code: 'BRSSZ', name: 'Santos', region: 'latin_america' },
  { code: 'MXZLO', name: 'Manzanillo', region: 'latin_america' },
  { code: 'CLSAI', name: 'San Antonio', region: 'latin_america' },
];

/** Overseas airports (UN/LOCODEs of the airport or its city). */
export const AIRPORTS: Place[] = [
  { code: 'USLAX', name: 'Los Angeles', region: 'north_america' },
  { code: 'USCHI', name: 'Chicago', region: 'north_america' },
  { code: 'USNYC', name: 'New York', region: 'north_america' },
  { code: 'USATL', name: 'Atlanta', region: 'north_america' },
  { code: 'DEFRA', name: 'Frankfurt', region: 'europe' },
  { code: 'NLAMS', name: 'Amsterdam', region: 'europe' },
  { code: 'GBLHR', name: 'London Heathrow', region: 'europe' },
  { code: 'FRCDG', name: 'Paris Charles de Gaulle', region: 'europe' },
  { code: 'BEBRU', name: 'Brussels', region: 'europe' },
  { code: 'JPNRT', name: 'Tokyo Narita', region: 'asia' },
  { code: 'KRICN', name: 'Incheon', region: 'asia' },
  { code: 'SGSIN', name: 'Singapore', region: 'asia' },
  { code: 'AEDXB', name: 'Dubai', region: 'middle_east' },
  { code: 'AUSYD', name: 'Sydney', region: 'oceania' },
  { code: 'MXMEX', name: 'Mexico City', region: 'latin_america' },
];

/** China–Europe rail freight terminals (中欧班列). */
export const RAIL_TERMINALS: Place[] = [
  { code: 'DEDUI', name: 'Duisburg', region: 'europe' },
  { code: 'DEHAM', name: 'Hamburg', region: 'europe' },
  { code: 'PLLOD', name: 'Lodz', region: 'europe' },
  { code: 'RUMOW', name: 'Moscow', region: 'europe' },
];

/** China's rail freight origins for Europe. */
export const RAIL_ORIGINS = ['CNCTU', 'CNCKG', 'CNYIW', 'CNCGO', 'CNWUH', 'CNXIY'];

/** Ports and airports of China that are valid lane ends, for checking lanes. */
export const CHINA_LOCODES = new Set<string>([
  ...CITIES.flatMap((c) => [c.locode, ...c.seaPorts, ...c.airports]),
  ...RAIL_ORIGINS,
]);

export const ROADS = [
  '人民路',
  '建设路',
  '解放路',
  '中山路',
  '长江路',
  '黄河路',
  '工业大道',
  '科技路',
  '新华路',
  '和平路',
  '滨海大道',
  '港城路',
  '物流大道',
  '创业路',
  '兴业路',
  '园区路',
  '金桥路',
  '保税区路',
  '环城东路',
  '高新大道',
];
