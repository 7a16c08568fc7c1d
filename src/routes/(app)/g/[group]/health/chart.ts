// Only what the health page draws, so the bundler leaves the rest of Chart.js out. Imported
// dynamically by TrendCharts: no other page loads any of it.
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	RadarController,
	RadialLinearScale,
	Tooltip
} from 'chart.js';

Chart.register(
	LineController,
	LineElement,
	PointElement,
	LinearScale,
	CategoryScale,
	BarController,
	BarElement,
	RadarController,
	RadialLinearScale,
	Filler,
	Legend,
	Tooltip
);

export { Chart };
