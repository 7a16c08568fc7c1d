export const GET = async () => new Response('ok');
export const POST = async () => new Response('ok');
