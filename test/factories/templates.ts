/** A four-item checklist that covers every response type, for fast loop tests. */
export const MINI_TEMPLATE = {
  code: 'mini-check',
  name: '迷你检查表',
  institutionTypes: ['elderly_care', 'community_elderly'],
  sections: [
    {
      code: 'A',
      title: '疏散通道与安全出口',
      items: [
        {
          code: 'A01',
          text: '疏散通道是否畅通',
          severity: 'major',
          basis: '《养老机构重大事故隐患判定标准》',
          responseType: 'pass_fail',
          requiresPhotoOnFail: true,
          deadlineDays: 1,
        },
        { code: 'A02', text: '安全出口标志是否完好', severity: 'general', responseType: 'pass_fail', requiresPhotoOnFail: false },
      ],
    },
    {
      code: 'B',
      title: '日常安全管理',
      items: [
        { code: 'B01', text: '夜间在岗人数', severity: 'general', responseType: 'number', requiresPhotoOnFail: false },
        { code: 'B02', text: '值班记录情况', severity: 'general', responseType: 'text', requiresPhotoOnFail: false, deadlineDays: 7 },
      ],
    },
  ],
};
