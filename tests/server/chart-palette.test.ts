import { describe, expect, it } from 'vitest';
import {
	chartBackgrounds,
	chartInk,
	contrastRatio,
	radarColors,
	seriesColors,
	type Theme
} from '$lib/chart-palette';
import { readFileSync } from 'node:fs';

const themes: Theme[] = ['light', 'dark'];

describe('the health charts’ colours', () => {
	it('computes contrast as WCAG does', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
		expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
	});

	for (const theme of themes) {
		it(`every series, the radar and the marker stand out 3:1 from the ${theme} page`, () => {
			const colors = [...seriesColors[theme], ...radarColors[theme], chartInk[theme].text];
			for (const color of colors)
				for (const background of chartBackgrounds[theme])
					expect(
						contrastRatio(color, background),
						`${color} on ${background}`
					).toBeGreaterThanOrEqual(3);
		});
	}

	it('draws on the backgrounds app.css really has, in both themes', () => {
		const css = readFileSync('src/app.css', 'utf8');
		const [light, dark] = css.split('prefers-color-scheme: dark');
		const value = (block: string, name: string) =>
			block.match(new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`))![1];
		expect(chartBackgrounds.light).toEqual([value(light, 'bg'), value(light, 'surface')]);
		expect(chartBackgrounds.dark).toEqual([value(dark, 'bg'), value(dark, 'surface')]);
	});
});
