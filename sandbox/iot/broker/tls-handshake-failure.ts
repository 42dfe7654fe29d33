/**
 * Why a TLS handshake with the broker did not complete, for the log. The broker judges client
 * certificates only after the handshake (ClientCertificateCheck), so a handshake that fails was
 * ended by the client or was not TLS: most often a device that does not trust the sandbox CA,
 * which every TLS stack reports differently (an alert, or just closing the connection).
 */

const trustHint =
  'the device must trust the sandbox CA (ca-certificate.pem in the sandbox data directory, or ' +
  "iot.caCertificatePem in the station profile) instead of Amazon's root, and check the name " +
  'localhost or 127.0.0.1; a sample without a CA option trusts it through SSL_CERT_FILE (sandbox README)';

/** TLS alerts a client sends when it refuses the server's certificate. */
const refusedCertificateAlerts =
  /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE)$/;

export function explainHandshakeFailure(error: Error & { code?: string; reason?: string }): string {
  const code = error.code ?? '';
  const said = error.reason ?? error.message;
  if (code === 'ECONNRESET' || /socket hang up/.test(error.message)) {
    return (
      'the client closed the connection during the handshake without saying why; ' +
      `this usually means it does not trust the broker's certificate: ${trustHint}`
    );
  }
  if (refusedCertificateAlerts.test(code)) {
    return `the client refused the broker's certificate (TLS alert "${said}"): ${trustHint}`;
  }
  if (/ALERT_CERTIFICATE_EXPIRED$/.test(code)) {
    return (
      `the client finds the broker's certificate expired or not yet valid (TLS alert "${said}"): ` +
      "the device's clock is probably wrong (unset clocks start at 1970); the station's claim " +
      'carries StationTime for devices without a real-time clock'
    );
  }
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|HTTPS_PROXY_REQUEST|PACKET_LENGTH_TOO_LONG/.test(code)) {
    return `the client does not speak TLS (${said}): plain MQTT or HTTP sent to the broker's TLS port?`;
  }
  if (/UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|ALERT_PROTOCOL_VERSION/.test(code)) {
    return `no TLS version in common (${said}): AWS IoT and the sandbox need TLS 1.2 or later`;
  }
  if (/NO_SHARED_CIPHER/.test(code)) {
    return `no cipher suite in common (${said})`;
  }
  return `${said}${code ? ` (${code})` : ''}`;
}
