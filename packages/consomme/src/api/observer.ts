import { EnhancedEventEmitter } from './enhanced-events.js';

export type ObserverEvents = {
  newworker: [unknown];
};

/** The library-wide observer: emits 'newworker' for every worker created. */
export const observer = new EnhancedEventEmitter<ObserverEvents>();
