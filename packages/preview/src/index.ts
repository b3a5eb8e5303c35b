export * from './discord-html';
export * from './markdown';
export * from './page';
export * from './demo';
export * from './scenarios';
export * from './preview';
