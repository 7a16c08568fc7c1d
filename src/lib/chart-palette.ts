// The colours of the health charts, per theme. Each series must stand out from the page behind
// it by at least 3:1 (WCAG's contrast for graphics) in both themes: tests/server/chart-palette
// checks every one. Lines are told apart by point shape and dash as well, never colour alone.

export type Theme = 'light' | 'dark';

/** The page background the charts are drawn on (app.css `--bg`), and the cards' (`--surface`). */
export const chartBackgrounds: Record<Theme, string[]> = {
	light: ['#fbfaf7', '#ffffff'],
	dark: ['#141816', '#1c211f']
};

/** One colour per dimension: Okabe and Ito's colour-blind-safe set, darkened or lightened. */
export const seriesColors: Record<Theme, string[]> = {
	light: ['#0072b2', '#c24e00', '#00845f', '#b8578f', '#1d2421', '#8a5a00', '#5b3fa0'],
	dark: ['#56b4e9', '#f0894f', '#3cc7a0', '#e58fc0', '#e8ece9', '#e0b04a', '#a993e6']
};

/** The radar's latest review and the one before it. */
export const radarColors: Record<Theme, [string, string]> = {
	light: ['#2f5d50', '#c2410c'],
	dark: ['#6fcf9f', '#f0894f']
};

/** Axis labels, grid lines and the purpose marker. */
export const chartInk: Record<Theme, { text: string; grid: string }> = {
	light: { text: '#56605b', grid: '#e2e0da' },
	dark: { text: '#a9b3ae', grid: '#2c3430' }
};

function luminance(hex: string) {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const channel = parseInt(hex.slice(i, i + 2), 16) / 255;
		return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG's contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string) {
	const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (light + 0.05) / (dark + 0.05);
}
