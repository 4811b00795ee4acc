import { useState } from 'react';

/**
 * The pages seen of a list paged by the services' page tokens: the token of the page shown, and
 * the stack to go back (Newer) or on (Older) with TokenPager. `reset` returns to the first page
 * (a filter changed).
 */
export function usePageTokens(): { pageToken: string; tokens: string[]; setTokens(tokens: string[]): void; reset(): void } {
  const [tokens, setTokens] = useState<string[]>([]);
  return { pageToken: tokens[tokens.length - 1] ?? '', tokens, setTokens, reset: () => setTokens([]) };
}
