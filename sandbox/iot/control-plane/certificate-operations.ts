import { createHash, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { CertificateRecord } from '../registry-model.js';
import { resourceNotFound } from './aws-api-error.js';
import { epochSeconds, type IotOperation } from './iot-operation.js';
import { paginate } from './pagination.js';
import { booleanQuery, integerQuery, parseInput, queryValue } from './request-validation.js';

/**
 * DescribeCertificate, UpdateCertificate and ListCertificates over the account's certificates.
 * Claim certificates are not account certificates: they are neither described nor listed.
 */

const certificateId = z
  .string()
  .length(64)
  .regex(/^(0x)?[a-fA-F0-9]+$/)
  .transform((id) => id.toLowerCase());

function certificateIdParam(pathParams: Record<string, string>): string {
  return parseInput(z.object({ certificateId }), { certificateId: pathParams.certificateId }).certificateId;
}

function certificateNotFound(arn: string): Error {
  return resourceNotFound(`The certificate ${arn} does not exist`);
}

/** Validity dates of the certificate itself; a stored PEM that no longer parses reports none. */
function validity(pem: string): { notBefore: number; notAfter: number } | undefined {
  try {
    const certificate = new X509Certificate(pem);
    return {
      notBefore: epochSeconds(certificate.validFromDate.getTime()),
      notAfter: epochSeconds(certificate.validToDate.getTime()),
    };
  } catch {
    return undefined;
  }
}

function describe(record: CertificateRecord, accountId: string): Record<string, unknown> {
  return {
    certificateArn: record.certificateArn,
    certificateId: record.certificateId,
    status: record.status,
    certificatePem: record.certificatePem,
    ownedBy: accountId,
    creationDate: epochSeconds(record.creationDate),
    lastModifiedDate: epochSeconds(record.lastModifiedDate),
    customerVersion: 1,
    // Changes with every modification, as AWS's does.
    generationId: createHash('sha256')
      .update(`${record.certificateId}:${record.lastModifiedDate}:${record.status}`)
      .digest('hex')
      .slice(0, 36),
    validity: validity(record.certificatePem),
    certificateMode: 'DEFAULT',
  };
}

export const describeCertificate: IotOperation = {
  name: 'DescribeCertificate',
  method: 'GET',
  path: '/certificates/{certificateId}',
  prepare(request, { registry }) {
    const id = certificateIdParam(request.pathParams);
    const arn = registry.certificateArn(id);
    return {
      resource: arn,
      run() {
        const record = registry.getCertificate(id);
        if (!record) throw certificateNotFound(arn);
        return { certificateDescription: describe(record, registry.accountId) };
      },
    };
  },
};

/** UpdateCertificate may set these; PENDING_TRANSFER and PENDING_ACTIVATION come only from the service. */
const newStatus = z.enum(['ACTIVE', 'INACTIVE', 'REVOKED', 'REGISTER_INACTIVE']);

export const updateCertificate: IotOperation = {
  name: 'UpdateCertificate',
  method: 'PUT',
  path: '/certificates/{certificateId}',
  prepare(request, { registry }) {
    const id = certificateIdParam(request.pathParams);
    const { newStatus: status } = parseInput(z.object({ newStatus }), {
      newStatus: queryValue(request.query, 'newStatus'),
    });
    const arn = registry.certificateArn(id);
    return {
      resource: arn,
      run() {
        if (!registry.getCertificate(id)) throw certificateNotFound(arn);
        registry.setCertificateStatus(id, status);
        return undefined;
      },
    };
  },
};

const listCertificatesQuery = z.object({
  pageSize: integerQuery.pipe(z.number().int().min(1).max(250)).optional(),
  marker: z.string().min(1).optional(),
  isAscendingOrder: booleanQuery.optional(),
});

export const listCertificates: IotOperation = {
  name: 'ListCertificates',
  method: 'GET',
  path: '/certificates',
  prepare(request, { registry }) {
    const query = parseInput(listCertificatesQuery, {
      pageSize: queryValue(request.query, 'pageSize'),
      marker: queryValue(request.query, 'marker'),
      isAscendingOrder: queryValue(request.query, 'isAscendingOrder'),
    });
    return {
      resource: '*',
      run() {
        const ascending = query.isAscendingOrder ?? false;
        const key = (c: CertificateRecord): string =>
          `${String(c.creationDate).padStart(16, '0')}:${c.certificateId}`;
        const sorted = registry
          .listCertificates()
          .sort((a, b) => (key(a) < key(b) ? -1 : 1) * (ascending ? 1 : -1));
        const page = paginate(
          sorted,
          key,
          query.pageSize ?? 25,
          query.marker,
          ascending ? 'ascending' : 'descending',
        );
        return {
          certificates: page.items.map((c) => ({
            certificateArn: c.certificateArn,
            certificateId: c.certificateId,
            status: c.status,
            certificateMode: 'DEFAULT',
            creationDate: epochSeconds(c.creationDate),
          })),
          nextMarker: page.nextToken,
        };
      },
    };
  },
};
