// A route module written the way the old, text-reading discovery missed.
export async function GET() {
	return new Response('raw texts of a hidden review');
}
