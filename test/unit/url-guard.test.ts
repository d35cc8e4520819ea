import { describe, expect, it } from "vitest";
import { deliverableUrlProblem } from "../../worker/notifications/url-guard";

const allowed = (url: string, env = "production") => expect(deliverableUrlProblem(url, env), url).toBeNull();
const refused = (url: string, env = "production", reason?: RegExp) => {
  const problem = deliverableUrlProblem(url, env);
  expect(problem, url).toBeTypeOf("string");
  if (reason) expect(problem, url).toMatch(reason);
};

describe("deliverableUrlProblem — production", () => {
  it("allows https to public hosts, any port, path and query", () => {
    for (const url of [
      "https://fcm.googleapis.com/fcm/send/abc:def",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
      "https://web.push.apple.com/QGuQ",
      "https://hooks.customer.example/fleet?x=1#frag",
      "https://hooks.customer.example:8443/fleet",
      "https://8.8.8.8/hook",
      "https://[2606:4700:4700::1111]/hook",
      "https://[::ffff:8.8.8.8]/hook",
      "https://172.32.0.1/x",
      "https://100.128.0.1/x",
      "https://HOOKS.Customer.EXAMPLE./x",
    ]) {
      allowed(url);
    }
  });

  it("refuses anything but https", () => {
    for (const url of [
      "http://hooks.customer.example/x",
      "ftp://hooks.customer.example/x",
      "ws://a.example/",
      "file:///etc/passwd",
      "data:text/plain,hi",
      "javascript:alert(1)",
    ]) {
      refused(url, "production", /https/);
    }
  });

  it("refuses garbage and credentials in the URL", () => {
    refused("not a url", "production", /valid/);
    refused("/relative/path", "production", /valid/);
    refused("https://user:pw@hooks.customer.example/x", "production", /credentials/);
    refused("https://user@hooks.customer.example/x", "production", /credentials/);
  });

  it("refuses private, loopback, link-local, CGNAT, multicast, unspecified and reserved IPv4, however written", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://127.1.2.3:8443/",
      "https://10.0.0.1/",
      "https://172.16.0.1/",
      "https://172.31.255.255/",
      "https://192.168.1.1/",
      "https://169.254.169.254/latest/meta-data/",
      "https://100.64.0.1/",
      "https://100.127.255.255/",
      "https://0.0.0.0/",
      "https://224.0.0.1/",
      "https://239.255.255.250/",
      "https://255.255.255.255/",
      "https://240.0.0.1/",
      "https://192.0.2.1/",
      "https://198.18.0.1/",
      // Alternative notations the WHATWG parser normalizes to the addresses above.
      "https://2130706433/",
      "https://0x7f.0.0.1/",
      "https://0177.0.0.1/",
      "https://127.1/",
      "https://0xa9fea9fe/",
    ]) {
      refused(url, "production", /address not allowed/);
    }
  });

  it("refuses loopback, ULA, link-local, multicast, unspecified and mapped-private IPv6", () => {
    for (const url of [
      "https://[::1]/",
      "https://[::]/",
      "https://[0:0:0:0:0:0:0:1]/",
      "https://[fc00::1]/",
      "https://[fd12:3456:789a::1]/",
      "https://[fe80::1]/",
      "https://[febf::1]/",
      "https://[ff02::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:10.1.2.3]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://[::ffff:192.168.0.1]/",
      "https://[64:ff9b::10.0.0.1]/",
      "https://[2002:c0a8:0101::1]/",
      "https://[::127.0.0.1]/",
      "https://[2001:db8::1]/",
    ]) {
      refused(url, "production", /address not allowed/);
    }
  });

  it("refuses local and internal names", () => {
    for (const url of [
      "https://localhost/",
      "https://LOCALHOST:8443/",
      "https://localhost./",
      "https://api.localhost/",
      "https://printer.local/",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://router.home.arpa/",
      "https://intranet/",
    ]) {
      refused(url, "production", /not public|not a public/);
    }
  });

  it("treats unknown environments like production", () => {
    refused("http://127.0.0.1:8787/x", "staging");
    refused("http://localhost:8787/x", "");
  });
});

describe("deliverableUrlProblem — development and test", () => {
  for (const env of ["development", "test"]) {
    it(`${env}: also accepts http(s) to 127.0.0.1 and localhost, any port`, () => {
      for (const url of [
        "http://127.0.0.1/",
        "http://127.0.0.1:4010/push/abc",
        "http://localhost:8787/hooks/1",
        "http://LOCALHOST/",
        "https://localhost:8443/",
      ]) {
        allowed(url, env);
      }
      allowed("https://fcm.googleapis.com/fcm/send/x", env);
    });

    it(`${env}: still refuses other private addresses, plain http elsewhere, and credentials`, () => {
      refused("http://10.0.0.1/", env);
      refused("http://169.254.169.254/latest/meta-data/", env);
      refused("http://127.0.0.2/", env);
      refused("http://[::1]:8787/", env);
      refused("http://api.localhost/", env);
      refused("http://hooks.customer.example/", env, /https/);
      refused("http://user:pw@127.0.0.1:8787/", env, /credentials/);
      refused("ftp://127.0.0.1/", env);
    });
  }
});
