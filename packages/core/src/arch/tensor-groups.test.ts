import { describe, expect, it } from 'vitest';
import { OPEN_MODELS } from '../catalog/index.js';
import { architectureFromConfig } from './build.js';
import { countParams, COMPONENTS } from './params.js';
import { groupElements, tensorGroups } from './tensor-groups.js';

describe('tensor groups', () => {
  it.each(OPEN_MODELS.map((m) => [m.id, m.config] as const))(
    '%s: groups add up to the exact parameter count, component by component',
    (_id, config) => {
      const arch = architectureFromConfig(config);
      const counted = countParams(arch);
      const groups = tensorGroups(arch);
      expect(groups.reduce((s, t) => s + groupElements(t), 0)).toBe(counted.total);
      for (const c of COMPONENTS) {
        expect(groups.filter((t) => t.component === c).reduce((s, t) => s + groupElements(t), 0)).toBe(
          counted.byComponent[c],
        );
      }
    },
  );
});
