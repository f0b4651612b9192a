import { z } from 'zod';
import { mayReadInternalArticles } from '../auth/policy.ts';
import { ArticleHitSchema } from '../domain.ts';
import { defineTool } from './tool.ts';

export const MAX_SEARCH_RESULTS = 20;

export const searchKnowledgeBase = defineTool({
  name: 'search_knowledge_base',
  description:
    "Search your tenant's knowledge base (full text, English stemming; quotes, OR and -word work " +
    'as in a web search). Best matches first, at most `limit` (default 10, at most 20), each with ' +
    'its id, title and the start of its text. Customers find public articles only.',
  inputSchema: z.object({
    query: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(10),
  }),
  outputSchema: z.object({
    query: z.string().max(200),
    results: z.array(ArticleHitSchema).max(MAX_SEARCH_RESULTS),
  }),
  async run(context, { query, limit }) {
    const { principal } = context;
    const results = await context.repository.searchArticles({
      tenantId: principal.tenant,
      includeInternal: mayReadInternalArticles(principal),
      query,
      limit,
    });
    return { query, results };
  },
});
