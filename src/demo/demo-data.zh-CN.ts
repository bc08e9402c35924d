/** The demo world of `SEED_DEMO`: places from our own story, in Chinese as users see them. */

export const DEMO_PASSWORD = 'Paicha-2026';

export const DEMO_PROVINCES = ['520000', '510000', '440000'];

export const DEMO_INSTITUTIONS = [
  {
    key: 'cjHome',
    name: '从江县社会福利院',
    type: 'elderly_care',
    regionCode: '522633',
    beds: 120,
    headName: '吴秀兰',
    address: '从江县丙妹镇福利路 8 号',
  },
  {
    key: 'cjTown',
    name: '从江县丙妹镇敬老院',
    type: 'elderly_care',
    regionCode: '522633',
    beds: 40,
    headName: '梁光明',
    address: '从江县丙妹镇',
  },
  {
    key: 'cjDay',
    name: '从江县城关社区日间照料中心',
    type: 'community_elderly',
    regionCode: '522633',
    beds: 0,
    headName: '石美玲',
    address: '从江县城关社区',
  },
  {
    key: 'cjChild',
    name: '从江县儿童福利院',
    type: 'child_welfare',
    regionCode: '522633',
    beds: 30,
    headName: '韦建华',
    address: '从江县下江路',
  },
  {
    key: 'lpHome',
    name: '黎平县社会福利院',
    type: 'elderly_care',
    regionCode: '522631',
    beds: 90,
    headName: '杨正清',
    address: '黎平县德凤街道',
  },
  {
    key: 'klRelief',
    name: '凯里市救助管理站',
    type: 'relief_station',
    regionCode: '522601',
    beds: 60,
    headName: '潘文',
    address: '凯里市',
  },
  {
    key: 'xcHome',
    name: '乡城县中心敬老院',
    type: 'elderly_care',
    regionCode: '513336',
    beds: 50,
    headName: '扎西',
    address: '乡城县香巴拉镇',
  },
  { key: 'xcFuneral', name: '乡城县殡仪服务站', type: 'funeral', regionCode: '513336', beds: 0, headName: '洛绒', address: '乡城县' },
  {
    key: 'fsHome',
    name: '佛山市社会福利院',
    type: 'elderly_care',
    regionCode: '440604',
    beds: 300,
    headName: '陈志强',
    address: '佛山市禅城区',
  },
  {
    key: 'fsMental',
    name: '佛山市精神康复福利院',
    type: 'mental_health',
    regionCode: '440605',
    beds: 200,
    headName: '黄丽',
    address: '佛山市南海区',
  },
] as const;

export const DEMO_ACCOUNTS = {
  bureau: { username: 'demo-bureau', displayName: '黔东南州民政局 安全科', regionCode: '522600' },
  inspector: { username: 'demo-inspector', displayName: '从江县民政局 检查员 王明', regionCode: '522633' },
  head: { username: 'demo-head', displayName: '从江县社会福利院 院长 吴秀兰' },
};

export const DEMO_ROUNDS = {
  supervisory: '2026年6月安全管理月 黔东南州督查',
  self: '2026年6月安全管理月 从江县机构自查',
  closed: '2026年5月 黔东南州汛期专项检查',
};
