import { describe, expect, it } from 'vitest';
import { durationText, expiredAtText } from '../../../sandbox/iot/broker/duration-text.js';
import { explainHandshakeFailure } from '../../../sandbox/iot/broker/tls-handshake-failure.js';

const tlsError = (code: string, reason: string) =>
  Object.assign(new Error(`error:0A000418:SSL routines::${reason}`), { code, reason });

describe('durationText', () => {
  it.each([
    [0, 'less than a second'],
    [999, 'less than a second'],
    [1_000, '1 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [61_000, '1 min 1 s'],
    [3_599_000, '59 min 59 s'],
    [3_600_000, '1 h'],
    [3_660_000, '1 h 1 min'],
    [86_400_000, '1 d'],
    [90_000_000, '1 d 1 h'],
    [-61_000, '1 min 1 s'],
  ])('%i ms → %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('expiredAtText gives the instant and the time since', () => {
    expect(expiredAtText(Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 1, 0, 5, 12))).toBe(
      'expired at 2030-01-01T00:00:00.000Z, 5 min 12 s ago',
    );
  });
});

describe('explainHandshakeFailure', () => {
  const trusts = /the device must trust the sandbox CA .*SSL_CERT_FILE/;

  it('a client that hangs up mid-handshake: most likely it does not trust the sandbox CA', () => {
    const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(explainHandshakeFailure(hangUp)).toMatch(/^the client closed the connection during the handshake/);
    expect(explainHandshakeFailure(hangUp)).toMatch(trusts);
  });

  it.each([
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'sslv3 alert certificate unknown'],
  ])('alert %s: the client refused the broker certificate', (code, reason) => {
    const text = explainHandshakeFailure(tlsError(code, reason));
    expect(text).toMatch(
      new RegExp(`^the client refused the broker's certificate \\(TLS alert "${reason}"\\)`),
    );
    expect(text).toMatch(trusts);
  });

  it('certificate_expired from the client points at the device clock', () => {
    expect(
      explainHandshakeFailure(
        tlsError('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'sslv3 alert certificate expired'),
      ),
    ).toMatch(/expired or not yet valid .*device's clock/);
  });

  it('not TLS, too old a TLS, no common cipher, anything else', () => {
    expect(explainHandshakeFailure(tlsError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'))).toMatch(
      /does not speak TLS .*plain MQTT/,
    );
    expect(explainHandshakeFailure(tlsError('ERR_SSL_UNSUPPORTED_PROTOCOL', 'unsupported protocol'))).toMatch(
      /TLS 1\.2 or later/,
    );
    expect(explainHandshakeFailure(tlsError('ERR_SSL_NO_SHARED_CIPHER', 'no shared cipher'))).toMatch(
      /no cipher suite in common/,
    );
    expect(explainHandshakeFailure(tlsError('ERR_SSL_SOMETHING', 'something odd'))).toBe(
      'something odd (ERR_SSL_SOMETHING)',
    );
  });
});
