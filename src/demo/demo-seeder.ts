import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Readable } from 'node:stream';
import { actorOf } from '../auth/auth.service.js';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { FindingsService } from '../findings/findings.service.js';
import { InspectionsService } from '../inspections/inspections.service.js';
import { InstitutionsService } from '../institutions/institutions.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { RoundsService } from '../rounds/rounds.service.js';
import { TemplatesService, BUILTIN_TEMPLATES_DIR } from '../templates/templates.service.js';
import { AdminBootstrap } from '../users/admin-bootstrap.js';
import { UsersService } from '../users/users.service.js';
import { DemoRepository } from './demo.repository.js';
import { DEMO_ACCOUNTS, DEMO_INSTITUTIONS, DEMO_PASSWORD, DEMO_PROVINCES, DEMO_ROUNDS } from './demo-data.zh-CN.js';

/** The demo accounts log in with the documented password as it is (a demo, not a deployment). */
// demo accounts: no first-login change, and no second factor while SEED_DEMO is on (the login screen says so)
const DEMO_LOGIN = { passwordChangeRequired: false, demo: true };

/** A 2×2 PNG standing in for a phone photo in the demo. */
const DEMO_PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * SEED_DEMO: on an empty database, a small world to log into at once —
 * 贵州黔东南 (从江, 黎平, 凯里), 四川甘孜乡城, 广东佛山; ten institutions; an open
 * June supervisory round and a self-check round; the three demo accounts of
 * the contract; findings in different states. Everything goes through the
 * services, so it is audited like real work.
 */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: DemoRepository,
    private readonly regions: RegionsService,
    private readonly institutions: InstitutionsService,
    private readonly users: UsersService,
    private readonly templates: TemplatesService,
    private readonly rounds: RoundsService,
    private readonly inspections: InspectionsService,
    private readonly attachments: AttachmentsService,
    private readonly findings: FindingsService,
    private readonly adminBootstrap: AdminBootstrap,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    if (await this.repository.whileEmpty(() => this.seed())) {
      this.logger.log(
        `demo data loaded: log in as ${DEMO_ACCOUNTS.bureau.username}, ${DEMO_ACCOUNTS.inspector.username} or ${DEMO_ACCOUNTS.head.username} with the password ${DEMO_PASSWORD}`,
      );
    }
  }

  private async seed(): Promise<void> {
    // the admin and the built-in checklists must be there first (both steps are idempotent)
    await this.adminBootstrap.onApplicationBootstrap();
    await this.templates.loadBuiltin(BUILTIN_TEMPLATES_DIR);
    const admin = await this.actor(await this.repository.firstAdminId());
    await this.regions.importNational(admin, DEMO_PROVINCES);

    const ids: Record<string, string> = {};
    for (const inst of DEMO_INSTITUTIONS) {
      const created = await this.institutions.create(admin, { ...inst, phone: '0855-0000000' });
      ids[inst.key] = created.id;
    }
    const bureauUser = await this.users.create(admin, { ...DEMO_ACCOUNTS.bureau, password: DEMO_PASSWORD, role: Role.Bureau }, DEMO_LOGIN);
    const inspectorUser = await this.users.create(
      admin,
      { ...DEMO_ACCOUNTS.inspector, password: DEMO_PASSWORD, role: Role.Inspector },
      DEMO_LOGIN,
    );
    await this.users.create(
      admin,
      { ...DEMO_ACCOUNTS.head, password: DEMO_PASSWORD, role: Role.InstitutionHead, institutionId: ids.cjHome },
      DEMO_LOGIN,
    );
    const bureau = await this.actor(bureauUser.id);
    const inspector = await this.actor(inspectorUser.id);

    // the latest built-in template of each type the supervisory round covers
    const byType: Record<string, string> = {};
    for (const type of ['elderly_care', 'community_elderly', 'child_welfare', 'relief_station']) {
      const page = await this.templates.listLatest(type as never, { page: 1, pageSize: 1 });
      if (page.items[0]) byType[type] = page.items[0].code;
    }
    const supervisory = await this.rounds.create(bureau, {
      name: DEMO_ROUNDS.supervisory,
      kind: 'supervisory',
      regionCode: '522600',
      startsOn: '2026-06-01',
      endsOn: '2026-06-30',
      institutionTypes: Object.keys(byType) as never,
      templates: byType,
    });
    await this.rounds.open(bureau, supervisory.id);
    const supervised = await this.inspections.list(bureau, { roundId: supervisory.id }, { page: 1, pageSize: 50 });
    const of = (key: string) => supervised.items.find((x) => x.institutionId === ids[key]);
    for (const key of ['cjHome', 'cjTown', 'cjDay']) {
      const inspection = of(key);
      if (inspection) await this.inspections.assign(bureau, inspection.id, inspector.id);
    }

    // 丙妹镇敬老院 was inspected: three failures, one a major hazard with its photo
    const town = of('cjTown');
    if (town) {
      const detail = await this.inspections.get(inspector, town.id);
      const items = detail.template.sections.flatMap((s) => s.items);
      const major = items.find((i) => i.severity === 'major');
      const generals = items.filter((i) => i.severity === 'general' && i.responseType === 'pass_fail').slice(0, 2);
      const { attachment: photo } = await this.attachments.accept(inspector, Readable.from([DEMO_PHOTO]), '现场照片.png');
      const notes = ['二楼走廊堆放轮椅和杂物', '厨房液化气瓶未设置防倾倒措施', '夜间值班记录缺少签字'];
      const failing = [major, ...generals].filter((i) => i !== undefined);
      const answers = items.map((i) => {
        const at = failing.indexOf(i);
        return {
          itemCode: i.code,
          result: (at >= 0 ? 'fail' : 'pass') as 'fail' | 'pass',
          ...(i.responseType === 'number' ? { value: 2 } : i.responseType === 'text' ? { value: '正常' } : {}),
          ...(at >= 0 ? { note: notes[at] ?? '现场发现问题', attachmentIds: [photo.id] } : {}),
        };
      });
      await this.inspections.saveAnswers(inspector, town.id, answers, undefined);
      await this.inspections.submit(inspector, town.id, DEMO_ACCOUNTS.inspector.displayName);
      const found = await this.findings.list(bureau, { inspectionId: town.id }, { page: 1, pageSize: 10 });
      const general = found.items.filter((x) => x.severity === 'general');
      // one fixed and accepted (销号), one waiting for the re-check, the rest open
      if (general[0]) {
        await this.findings.rectify(bureau, general[0].id, { note: '已加装气瓶固定架并张贴安全警示', attachmentIds: [photo.id] });
        await this.findings.verify(inspector, general[0].id, { accepted: true, note: '复查合格，同意销号' });
      }
      if (general[1]) await this.findings.rectify(bureau, general[1].id, { note: '已补签值班记录，并建立每日核查制度' });
    }
    // an ad-hoc finding at 黎平 found by the bureau
    await this.findings.create(bureau, {
      institutionId: ids.lpHome,
      title: '配电箱周围堆放可燃纸箱',
      description: '一楼配电室',
      severity: 'general',
    });

    // the head's self-check of 从江县社会福利院
    const elderly = byType.elderly_care;
    if (elderly) {
      const self = await this.rounds.create(bureau, {
        name: DEMO_ROUNDS.self,
        kind: 'self',
        regionCode: '522633',
        startsOn: '2026-06-01',
        endsOn: '2026-06-30',
        institutionTypes: ['elderly_care'],
        templates: { elderly_care: elderly },
      });
      await this.rounds.open(bureau, self.id);
    }
  }

  private async actor(id: string): Promise<Actor> {
    const credentials = await this.users.findCredentials({ id });
    if (!credentials) throw new Error(`demo: user ${id} vanished`);
    return actorOf(credentials);
  }
}
