import { randomInt } from 'node:crypto';

// Readable run names in MLflow's style ("bold-mule-123"); the word lists are our own.
const ADJECTIVES = [
  'able', 'agile', 'amber', 'bold', 'brave', 'bright', 'brisk', 'calm', 'clever', 'crisp', 'curious', 'daring',
  'eager', 'fancy', 'fierce', 'gentle', 'glad', 'golden', 'grand', 'happy', 'honest', 'humble', 'jolly', 'keen',
  'kind', 'lively', 'lucky', 'merry', 'mighty', 'nimble', 'noble', 'polite', 'proud', 'quick', 'quiet', 'rare',
  'sharp', 'shiny', 'silent', 'smooth', 'snappy', 'steady', 'sunny', 'swift', 'tidy', 'upbeat', 'vivid', 'warm',
  'wise', 'witty', 'zealous',
];
const NOUNS = [
  'ant', 'badger', 'bat', 'bear', 'bee', 'bird', 'bison', 'boar', 'cat', 'colt', 'crab', 'crane', 'crow', 'deer',
  'dog', 'dove', 'duck', 'eagle', 'eel', 'elk', 'falcon', 'finch', 'fox', 'frog', 'goat', 'goose', 'hare', 'hawk',
  'heron', 'horse', 'ibis', 'koala', 'lark', 'lion', 'lynx', 'mole', 'moose', 'moth', 'mule', 'newt', 'otter', 'owl',
  'panda', 'quail', 'ram', 'robin', 'seal', 'shrew', 'slug', 'snail', 'sow', 'squid', 'stork', 'swan', 'toad',
  'trout', 'wasp', 'whale', 'wolf', 'wren', 'yak',
];

export function generateRunName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] ?? 'bold';
  const noun = NOUNS[randomInt(NOUNS.length)] ?? 'mule';
  return `${adjective}-${noun}-${randomInt(1000)}`;
}
