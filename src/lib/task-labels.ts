// Words for the board, shared by the server's messages and the pages.
export const statusLabels = {
	todo: 'To do',
	doing: 'Doing',
	blocked: 'Blocked',
	done: 'Done'
} as const;

export type TaskStatusName = keyof typeof statusLabels;

export const boardColumns = (Object.keys(statusLabels) as TaskStatusName[]).map((status) => ({
	status,
	label: statusLabels[status]
}));

export const recurrenceLabels = {
	weekly: 'Every week',
	monthly: 'Every month',
	quarterly: 'Every quarter'
} as const;
