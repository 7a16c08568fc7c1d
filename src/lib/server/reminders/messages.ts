// What each reminder says: its title (the notice's headline and the email's subject) and body.
// The producers decide who is reminded of what, and when; the words live here.

export interface Message {
	title: string;
	body: string;
}

interface TaskSubject {
	title: string;
	groupName: string;
}
interface ReviewSubject {
	title: string;
	groupName: string;
	closesAt: Date | null;
}

/** Someone was asked to take a task: assigned (no note) or handed on (a note, maybe empty). */
export function taskAssigned(
	task: TaskSubject & { asker: string | null },
	note: string | null | undefined
): Message {
	const who = !task.asker
		? `In ${task.groupName}.`
		: note !== undefined
			? `${task.asker} asks you to take it on, in ${task.groupName}.`
			: `${task.asker} gave you this task, in ${task.groupName}.`;
	return {
		title: `You were asked to take “${task.title}”`,
		body: note ? `${who} Their note: “${note}”` : `${who} Open the task to see what it involves.`
	};
}

/** A task due today (`daysLate` 0) or tomorrow (-1). */
export function taskDue(task: TaskSubject & { dueOn: string }, daysLate: number): Message {
	return {
		title: `“${task.title}” is due ${daysLate === 0 ? 'today' : 'tomorrow'}`,
		body: `In ${task.groupName}, due ${task.dueOn}.`
	};
}

export function taskOverdue(task: TaskSubject & { dueOn: string }): Message {
	return {
		title: `“${task.title}” is overdue`,
		body: `In ${task.groupName}, it was due ${task.dueOn}. Move it on, hand it to someone, or change its date.`
	};
}

export function reviewOpened(review: ReviewSubject): Message {
	return {
		title: `${review.groupName}: “${review.title}” is open`,
		body: 'Look at the group the way an outsider would: score it and say what you see. Your answers are anonymous.'
	};
}

/** Said to every member who may answer, answered or not: nobody can tell who has not. */
export function reviewClosingSoon(review: ReviewSubject): Message {
	return {
		title: `${review.groupName}: “${review.title}” closes soon`,
		body: review.closesAt
			? `It closes on ${review.closesAt.toUTCString()}. If you haven't answered yet, it takes a few minutes, and it stays anonymous.`
			: "If you haven't answered yet, it takes a few minutes, and it stays anonymous."
	};
}

/** A facilitator's "remind those who haven't answered". */
export function reviewWaiting(review: ReviewSubject): Message {
	return {
		title: `${review.groupName}: “${review.title}” is waiting for your answers`,
		body: review.closesAt
			? `It closes on ${review.closesAt.toUTCString()}. It takes a few minutes, and your answers stay anonymous.`
			: 'It takes a few minutes, and your answers stay anonymous. If you have answered already, thank you: nobody knows who has not.'
	};
}

/** Said to every member when a review closes: where its results are, or why there are none. */
export function reviewClosed(review: ReviewSubject & { revealed: boolean }): Message {
	return review.revealed
		? {
				title: `${review.groupName}: the results of “${review.title}” are out`,
				body: 'See how the group looks from outside this time, what changed since the last review, and what to follow up.'
			}
		: {
				title: `${review.groupName}: “${review.title}” closed with too few answers`,
				body: 'Too few members answered for results to be shown: showing them would risk telling who said what. Nothing from it is shown; the next review is a new chance.'
			};
}
