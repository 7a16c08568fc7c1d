// The forms every action reads: what they accept, what they refuse and in which words, and what a
// refused form may send back. Pure functions on real Requests, so StrykerJS can check each rule.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { emailField, readForm, textField } from '$lib/server/forms';
import { responseSchema, toAnswers } from '$lib/server/reviews/response-form';
import { scheduleForm, toInstant } from '$lib/server/reviews/schedule-form';

const formRequest = (fields: [string, string | Blob][]) => {
	const body = new FormData();
	for (const [name, value] of fields) body.append(name, value);
	return new Request('http://localhost/', { method: 'POST', body });
};

describe('readForm', () => {
	const schema = z.object({ name: textField('Your name', { max: 10 }), password: z.string() });

	it('gives the parsed data of a good form', async () => {
		const read = await readForm(
			formRequest([
				['name', '  Ana  '],
				['password', 'secret words']
			]),
			schema
		);
		expect(read).toEqual({ ok: true, data: { name: 'Ana', password: 'secret words' } });
	});

	it('refuses a field sent twice, or a file, naming the field (cut to 40 characters)', async () => {
		const long = 'n'.repeat(60);
		const twice = await readForm(
			formRequest([
				[long, 'a'],
				[long, 'b']
			]),
			schema
		);
		expect(twice).toMatchObject({
			ok: false,
			message: `The field "${'n'.repeat(40)}" was sent more than once.`,
			values: {}
		});
		const file = await readForm(formRequest([['name', new Blob(['x'])]]), schema);
		expect(file).toMatchObject({
			ok: false,
			message: 'The field "name" must be text, not a file.'
		});
		const longFile = await readForm(formRequest([[long, new Blob(['x'])]]), schema);
		expect(longFile).toMatchObject({
			message: `The field "${'n'.repeat(40)}" must be text, not a file.`
		});
	});

	it('refuses a body that is not a form', async () => {
		const json = new Request('http://localhost/', {
			method: 'POST',
			body: '{"name":"Ana"}',
			headers: { 'content-type': 'application/json' }
		});
		expect(await readForm(json, schema)).toEqual({
			ok: false,
			message: 'The form could not be read. Reload the page and try again.',
			errors: {},
			values: {}
		});
	});

	it('says the first problem, one per field, and echoes back nothing secret or huge', async () => {
		const read = await readForm(
			formRequest([
				['name', 'far too long a name'],
				['password', 'hunter22'],
				['resetToken', 'abc'],
				['note', 'x'.repeat(10_001)],
				['kept', 'x'.repeat(10_000)]
			]),
			schema
		);
		expect(read).toEqual({
			ok: false,
			message: 'Your name can be at most 10 characters.',
			errors: { name: 'Your name can be at most 10 characters.' },
			values: { name: 'far too long a name', kept: 'x'.repeat(10_000) }
		});
	});

	it('names the form when a problem belongs to no field', async () => {
		const read = await readForm(
			formRequest([['a', '1']]),
			z.object({ a: z.string() }).refine(() => false, 'The whole form is wrong.')
		);
		expect(read).toMatchObject({ ok: false, errors: { form: 'The whole form is wrong.' } });
	});
});

describe('readForm and bodies that are too big', () => {
	const any = z.object({});
	const urlEncoded = (body: string | ReadableStream<Uint8Array>) =>
		new Request('http://localhost/', {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			duplex: 'half'
		} as RequestInit);

	it('refuses more fields than any form has, url-encoded or multipart, before reading them', async () => {
		const many = Array.from({ length: 40_000 }, () => 'a=').join('&');
		const refused = await readForm(urlEncoded(many), any);
		expect(refused).toMatchObject({
			ok: false,
			message: 'That form has more than 200 fields; no form here has.'
		});
		const multipart = await readForm(
			formRequest(Array.from({ length: 201 }, (_, i): [string, string] => [`f${i}`, ''])),
			any
		);
		expect(multipart).toMatchObject({ ok: false });
		// 200 fields is within bounds: the schema has its say
		const fine = await readForm(
			urlEncoded(Array.from({ length: 200 }, (_, i) => `f${i}=`).join('&')),
			any
		);
		expect(fine.ok).toBe(true);
	});

	it('stops reading a body at 256 KB, whatever its length header says: 413', async () => {
		const chunk = new Uint8Array(64 * 1024).fill(0x61);
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent++ < 5) controller.enqueue(chunk);
				else controller.close();
			}
		});
		await expect(readForm(urlEncoded(stream), any)).rejects.toMatchObject({
			status: 413,
			body: { message: expect.stringMatching(/^That was too much to send at once/) }
		});
		// the fifth chunk crossed the line: nothing after it was read
		expect(sent).toBeLessThanOrEqual(6);
	});
});

describe('textField and emailField', () => {
	const title = textField('The title', { min: 3, max: 8 });

	it('trims, and words each refusal with its label', () => {
		expect(title.parse('  abc  ')).toBe('abc');
		expect(title.safeParse('ab').error?.issues[0].message).toBe(
			'The title needs at least 3 characters.'
		);
		expect(title.safeParse('abcdefghi').error?.issues[0].message).toBe(
			'The title can be at most 8 characters.'
		);
		expect(title.safeParse(undefined).error?.issues[0].message).toBe('The title is missing.');
		expect(textField('A name', { max: 5 }).safeParse('  ').error?.issues[0].message).toBe(
			'A name is required.'
		);
	});

	it('refuses control characters that hide text, and keeps tabs and line breaks', () => {
		const body = textField('The text', { max: 50 });
		expect(body.safeParse('a\u0000b').error?.issues[0].message).toBe(
			'The text contains characters that cannot be shown.'
		);
		expect(body.safeParse('a\u001bb').success).toBe(false);
		expect(body.safeParse('a\u007fb').success).toBe(false);
		expect(textField('The text', { max: 50, multiline: true }).parse('a\tb\nc\r\nd')).toBe(
			'a\tb\nc\r\nd'
		);
	});

	it('keeps a one-line field on one line: no line break to forge a line of mail or log', () => {
		const name = textField('Your name', { max: 80 });
		for (const forged of [
			'Ana\r\nBcc: all@example.org',
			'Ana\nB',
			'Ana\rB',
			'Ana\tB',
			'Ana\u2028B'
		])
			expect(name.safeParse(forged).error?.issues[0].message, JSON.stringify(forged)).toBe(
				'Your name must be on one line.'
			);
		expect(name.parse('Ana María')).toBe('Ana María');
	});

	it('reads an email address trimmed and lower-cased, and refuses what is not one', () => {
		expect(emailField.parse('  Ana@Example.ORG ')).toBe('ana@example.org');
		expect(emailField.safeParse('ana').error?.issues[0].message).toBe(
			'Enter an email address like name@example.org.'
		);
		expect(emailField.safeParse(`${'a'.repeat(250)}@x.org`).error?.issues[0].message).toBe(
			'That email address is too long.'
		);
		expect(emailField.safeParse(undefined).error?.issues[0].message).toBe('Email is missing.');
	});
});

describe('the schedule form', () => {
	it('takes empty times, minutes and seconds, and an offset within a day of UTC', () => {
		expect(scheduleForm.parse({ opensAt: '', closesAt: '2026-12-01T18:00' })).toEqual({
			opensAt: '',
			closesAt: '2026-12-01T18:00'
		});
		expect(scheduleForm.parse({ opensAt: ' 2026-12-01T18:00:30 ', tzOffset: '-840' })).toEqual({
			opensAt: '2026-12-01T18:00:30',
			tzOffset: -840
		});
		expect(scheduleForm.parse({ tzOffset: '840' }).tzOffset).toBe(840);
	});

	it('refuses other times and offsets', () => {
		expect(scheduleForm.safeParse({ opensAt: 'tomorrow' }).error?.issues[0].message).toBe(
			'Enter a date and time.'
		);
		expect(scheduleForm.safeParse({ closesAt: '2026-12-01 18:00' }).success).toBe(false);
		expect(scheduleForm.safeParse({ closesAt: 'x2026-12-01T18:00' }).success).toBe(false);
		expect(scheduleForm.safeParse({ closesAt: '2026-12-01T18:00x' }).success).toBe(false);
		for (const tzOffset of ['841', '-841', '1.5', 'east'])
			expect(scheduleForm.safeParse({ tzOffset }).success, tzOffset).toBe(false);
	});

	it('turns a local time and the browser offset into the instant it means', () => {
		expect(toInstant(undefined)).toBeNull();
		expect(toInstant('')).toBeNull();
		expect(toInstant('2026-12-01T18:00')).toEqual(new Date('2026-12-01T18:00:00Z'));
		// UTC+2 (getTimezoneOffset gives -120): 18:00 there is 16:00 UTC
		expect(toInstant('2026-12-01T18:00', -120)).toEqual(new Date('2026-12-01T16:00:00Z'));
		expect(toInstant('2026-07-01T09:30', 300)).toEqual(new Date('2026-07-01T14:30:00Z'));
		expect(toInstant('nope-T')).toBeNull();
	});
});

describe('the answer form', () => {
	const questions = [
		{ key: 'democracy', kind: 'scale' as const, title: 'Democracy' },
		{ key: 'raise-issue', kind: 'text' as const, title: 'Raise an issue' }
	];

	it('wants a score for each scaled question, by its title, and takes comments as optional', () => {
		const schema = responseSchema(questions);
		expect(schema.safeParse({}).error?.issues[0].message).toBe(
			'Choose a score from 1 to 5 for "Democracy".'
		);
		expect(schema.safeParse({ 'score:democracy': '6' }).success).toBe(false);
		for (const score of ['1', '2', '3', '4', '5'])
			expect(schema.safeParse({ 'score:democracy': score }).success, score).toBe(true);
		expect(schema.safeParse({ 'score:democracy': '0' }).success).toBe(false);
		const data = schema.parse({
			'score:democracy': '4',
			'comment:democracy': '  a few decide  ',
			'answer:raise-issue': '   '
		});
		expect(toAnswers(questions, data)).toEqual([
			{ questionKey: 'democracy', score: 4, text: 'a few decide' },
			{ questionKey: 'raise-issue', score: null, text: null }
		]);
		expect(toAnswers(questions, schema.parse({ 'score:democracy': '1' }))).toEqual([
			{ questionKey: 'democracy', score: 1, text: null },
			{ questionKey: 'raise-issue', score: null, text: null }
		]);
	});

	it('bounds comments and open answers, and says when the review changed under the form', () => {
		const schema = responseSchema(questions);
		expect(
			schema.safeParse({ 'score:democracy': '3', 'comment:democracy': 'x'.repeat(2001) }).error
				?.issues[0].message
		).toBe('Your comment on "Democracy" can be at most 2000 characters.');
		expect(
			schema.safeParse({ 'score:democracy': '3', 'answer:raise-issue': 'x'.repeat(4001) }).error
				?.issues[0].message
		).toBe('Your answer to "Raise an issue" can be at most 4000 characters.');
		expect(
			schema.safeParse({ 'score:democracy': '3', 'answer:raise-issue': 'x'.repeat(4000) }).success
		).toBe(true);
		expect(
			schema.safeParse({ 'score:democracy': '3', 'score:removed-question': '2' }).error?.issues[0]
				.message
		).toBe(
			'This review changed since you opened it. Reload the page; your answers are kept in this browser.'
		);
	});

	it('is built once per set of questions', () => {
		expect(responseSchema(questions)).toBe(responseSchema([...questions]));
		expect(responseSchema(questions)).not.toBe(
			responseSchema([{ ...questions[0], title: 'Democracy, renamed' }, questions[1]])
		);
	});
});
