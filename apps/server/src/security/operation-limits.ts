/**
 * The operation limits as GraphQL parse and validation rules: tokens, depth,
 * aliases and fields. Depth and aliases are GraphQL Armor's
 * (`@escape.tech/graphql-armor-max-depth`, `-max-aliases`). Tokens are
 * graphql-js's own parser limit (`maxTokens`): Armor's max-tokens wraps the
 * lexer in a Proxy and parses a 2000-token document about 8 times slower.
 * Fields are counted here: Armor has no field count with fragments expanded
 * (its cost limit weighs depth instead).
 *
 * Introspection: the `__schema` and `__type` fields and everything beneath
 * them count toward neither depth nor fields, so GraphiQL's introspection
 * query (graphql's `getIntrospectionQuery()`, 15 levels and about 230 fields)
 * passes. What lies beneath them is introspection only, and graphql-js's own
 * `MaxIntrospectionDepthRule` (a specified rule) refuses the introspection
 * queries that loop (`fields { type { fields { type { fields …`). Aliases and
 * tokens count everywhere.
 *
 * Refusals: `QUERY_TOO_COMPLEX` for depth, aliases and fields; a parse error
 * (`GRAPHQL_PARSE_FAILED`) for tokens, on every transport.
 * @module
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  getEnterLeaveForKind,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Limits } from './limits.ts';

type OperationLimits = Pick<Limits, 'maxDepth' | 'maxAliases' | 'maxFields' | 'maxTokens'>;
type Rule = (context: ValidationContext) => ASTVisitor;

export function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/** The introspection entry points: only the query root has them, and only introspection lies beneath. */
function isIntrospection(field: FieldNode): boolean {
  return field.name.value === '__schema' || field.name.value === '__type';
}

const operationLabel = (node: OperationDefinitionNode): string => (node.name ? ` "${node.name.value}"` : '');

/** The operation without its root introspection fields (Armor's `ignoreIntrospection` skips `__schema` only). */
function withoutRootIntrospection(node: OperationDefinitionNode): OperationDefinitionNode {
  const selections = node.selectionSet.selections.filter((selection) => selection.kind !== Kind.FIELD || !isIntrospection(selection));
  return selections.length === node.selectionSet.selections.length ? node : { ...node, selectionSet: { ...node.selectionSet, selections } };
}

type ArmorRule = (options: {
  onReject: Array<() => void>;
  propagateOnRejection: false;
}) => (context: ValidationContext) => object;

/**
 * An Armor rule run per operation, whose refusal is reported as
 * `QUERY_TOO_COMPLEX` with `message(operation)` (Armor's own error is a
 * "Syntax Error" without a code).
 */
function armorRule(
  rule: ArmorRule,
  message: (label: string) => string,
  view: (node: OperationDefinitionNode) => OperationDefinitionNode = (node) => node,
): Rule {
  return (context) => {
    let rejected = false;
    const visitor = rule({ onReject: [() => void (rejected = true)], propagateOnRejection: false })(context) as ASTVisitor;
    const enter = getEnterLeaveForKind(visitor, Kind.OPERATION_DEFINITION).enter;
    return {
      OperationDefinition(node, key, parent, path, ancestors) {
        rejected = false;
        enter?.call(visitor, view(node), key, parent, path, ancestors);
        if (rejected) context.reportError(tooComplex(message(operationLabel(node))));
      },
    };
  };
}

/** Selection depth (fragments expanded, introspection not counted). */
export function depthRule(limit: number): Rule {
  return armorRule(
    (callbacks) => maxDepthRule({ n: limit, ignoreIntrospection: true, flattenFragments: true, ...callbacks }),
    (label) => `The operation${label} is nested deeper than ${limit} levels`,
    withoutRootIntrospection,
  );
}

/** Aliased fields, fragments expanded; every alias counts, `__typename`'s too. */
export function aliasesRule(limit: number): Rule {
  return armorRule(
    (callbacks) => maxAliasesRule({ n: limit, allowList: [], ...callbacks }),
    (label) => `The operation${label} uses more than ${limit} aliases`,
  );
}

/**
 * Counts the fields of a selection set with fragments expanded, skipping
 * introspection, and stops as soon as the count passes `limit` (a fragment
 * bomb costs no more than the limit). Returns the count so far.
 */
function countFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  limit: number,
  count: number,
  stack: Set<string>,
): number {
  for (const selection of set.selections) {
    if (count > limit) return count;
    if (selection.kind === Kind.FIELD) {
      if (isIntrospection(selection)) continue;
      count++;
      if (selection.selectionSet) count = countFields(selection.selectionSet, fragments, limit, count, stack);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count = countFields(selection.selectionSet, fragments, limit, count, stack);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || stack.has(name)) continue; // unknown or cyclic: other rules report it
      stack.add(name);
      count = countFields(fragment.selectionSet, fragments, limit, count, stack);
      stack.delete(name);
    }
  }
  return count;
}

/** Fields in an operation, fragments expanded (by hand: no Armor plugin counts them). */
export function fieldsRule(limit: number): Rule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(node) {
        if (countFields(node.selectionSet, fragments, limit, 0, new Set()) > limit) {
          context.reportError(tooComplex(`The operation${operationLabel(node)} selects more than ${limit} fields`));
        }
      },
    };
  };
}

/** Tokens (graphql-js's parser stops at the first token past the limit), depth, aliases and fields. */
export function useOperationLimits(limits: OperationLimits): Plugin {
  const rules = [depthRule(limits.maxDepth), aliasesRule(limits.maxAliases), fieldsRule(limits.maxFields)];
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => parseFn(source, { ...options, maxTokens: limits.maxTokens }));
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
