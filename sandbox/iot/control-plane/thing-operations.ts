import { z } from 'zod';
import { invalidRequest, resourceNotFound } from './aws-api-error.js';
import type { IotOperation } from './iot-operation.js';
import { paginate } from './pagination.js';
import { booleanQuery, integerQuery, parseInput, queryValue } from './request-validation.js';

/**
 * DescribeThing, ListThings and ListThingPrincipals (the registry reads the station verifies with),
 * and DetachThingPrincipal (the station retiring a replaced certificate).
 */

const thingName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9:_-]+$/);
const maxResults = integerQuery.pipe(z.number().int().min(1).max(250)).optional();
const nextToken = z.string().min(1).optional();

const listThingsQuery = z.object({
  maxResults,
  nextToken,
  attributeName: z
    .string()
    .max(128)
    .regex(/^[a-zA-Z0-9_.,@/:#-]+$/)
    .optional(),
  attributeValue: z
    .string()
    .max(800)
    .regex(/^[\p{L}\p{N}_ +.,@/:#=[\]-]*$/u)
    .optional(),
  thingTypeName: thingName.optional(),
  usePrefixAttributeValue: booleanQuery.optional(),
});

function thingNameParam(pathParams: Record<string, string>): string {
  return parseInput(z.object({ thingName }), { thingName: pathParams.thingName }).thingName;
}

function thingNotFound(name: string): Error {
  return resourceNotFound(`Thing ${name} cannot be found.`);
}

export const describeThing: IotOperation = {
  name: 'DescribeThing',
  method: 'GET',
  path: '/things/{thingName}',
  prepare(request, { registry }) {
    const name = thingNameParam(request.pathParams);
    return {
      resource: registry.thingArn(name),
      run() {
        const thing = registry.getThing(name);
        if (!thing) throw thingNotFound(name);
        return {
          defaultClientId: thing.thingName,
          thingName: thing.thingName,
          thingId: thing.thingId,
          thingArn: thing.thingArn,
          thingTypeName: thing.thingTypeName,
          attributes: thing.attributes,
          version: thing.version,
          billingGroupName: thing.billingGroupName,
        };
      },
    };
  },
};

export const listThings: IotOperation = {
  name: 'ListThings',
  method: 'GET',
  path: '/things',
  prepare(request, { registry }) {
    const query = parseInput(
      listThingsQuery,
      Object.fromEntries(
        Object.keys(listThingsQuery.shape).map((key) => [key, queryValue(request.query, key)]),
      ),
    );
    if (query.attributeValue !== undefined && query.attributeName === undefined) {
      throw invalidRequest('attributeValue requires attributeName.');
    }
    if (query.usePrefixAttributeValue && query.attributeValue === undefined) {
      throw invalidRequest('usePrefixAttributeValue requires attributeName and attributeValue.');
    }
    return {
      resource: '*',
      run() {
        const things = registry.listThings({
          attributeName: query.attributeName,
          attributeValue: query.attributeValue,
          usePrefixAttributeValue: query.usePrefixAttributeValue,
          thingTypeName: query.thingTypeName,
        });
        const page = paginate(things, (t) => t.thingName, query.maxResults ?? 50, query.nextToken);
        return {
          things: page.items.map((t) => ({
            thingName: t.thingName,
            thingTypeName: t.thingTypeName,
            thingArn: t.thingArn,
            attributes: t.attributes,
            version: t.version,
          })),
          nextToken: page.nextToken,
        };
      },
    };
  },
};

export const listThingPrincipals: IotOperation = {
  name: 'ListThingPrincipals',
  method: 'GET',
  path: '/things/{thingName}/principals',
  prepare(request, { registry }) {
    const name = thingNameParam(request.pathParams);
    const query = parseInput(z.object({ maxResults, nextToken }), {
      maxResults: queryValue(request.query, 'maxResults'),
      nextToken: queryValue(request.query, 'nextToken'),
    });
    return {
      resource: registry.thingArn(name),
      run() {
        if (!registry.getThing(name)) throw thingNotFound(name);
        const principals = registry.listThingPrincipals(name).sort();
        const page = paginate(principals, (p) => p, query.maxResults ?? 25, query.nextToken);
        return { principals: page.items, nextToken: page.nextToken };
      },
    };
  },
};

/**
 * The principal is sent in the `x-amzn-principal` header. IAM authorizes the action on the
 * principal (a certificate ARN), with the thing as the `iot:thingArn` condition key, as the Service
 * Authorization Reference lists it; a principal that is not an ARN is authorized on `*`.
 */
export const detachThingPrincipal: IotOperation = {
  name: 'DetachThingPrincipal',
  method: 'DELETE',
  path: '/things/{thingName}/principals',
  prepare(request, { registry }) {
    const name = thingNameParam(request.pathParams);
    const header = request.headers['x-amzn-principal'];
    const { principal } = parseInput(z.object({ principal: z.string().min(1) }), {
      principal: Array.isArray(header) ? header[0] : header,
    });
    return {
      resource: principal.startsWith('arn:') ? principal : '*',
      context: { 'iot:thingArn': registry.thingArn(name) },
      run() {
        registry.detachThingPrincipal(name, principal);
        return undefined;
      },
    };
  },
};
