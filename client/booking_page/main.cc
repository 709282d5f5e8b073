// booking_page: the reference booking page of the scheduling service, a
// small HTTP server that turns one-time links and permanent scheduling
// links into pages an invitee books from (see booking_page.h for the
// routes, README.md "The booking page" for how to run it).
//
// Every flag can also come from the environment (names below); a flag on
// the command line wins.
#include <openssl/sha.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/booking_page/booking_page.h"
#include "client/booking_page/connection.h"
#include "client/booking_page/form_security.h"
#include "httplib.h"

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

absl::Duration EnvDurationOr(const char* name, absl::Duration fallback) {
  absl::Duration value;
  return absl::ParseDuration(EnvOr(name, ""), &value) ? value : fallback;
}

int EnvIntOr(const char* name, int fallback) {
  int value = 0;
  return absl::SimpleAtoi(EnvOr(name, ""), &value) ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, listen,
          EnvOr("SCHEDULING_PAGE_LISTEN", "127.0.0.1:8080"),
          "host:port to serve HTTP on (env SCHEDULING_PAGE_LISTEN)");
ABSL_FLAG(std::string, server, EnvOr("SCHEDULING_SERVER", "127.0.0.1:50051"),
          "gRPC target of the scheduling server (env SCHEDULING_SERVER)");
// How to reach the server: the same flags and variables as schedctl's, read
// by the client library (scheduling::client::ConnectionOptions).
ABSL_FLAG(bool, insecure, false,
          "plain text to the server, no TLS (a server started with "
          "--insecure); default $SCHEDULING_INSECURE=true");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM roots that verify the server; default $SCHEDULING_TLS_CA, "
          "else the system's");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate for mTLS; default $SCHEDULING_TLS_CERT");
ABSL_FLAG(std::string, tls_key, "",
          "PEM key of --tls_cert; default $SCHEDULING_TLS_KEY");
ABSL_FLAG(std::string, tls_server_name, "",
          "name to check in the server's certificate; default "
          "$SCHEDULING_TLS_SERVER_NAME, else the --server host");
ABSL_FLAG(std::string, api_key, "",
          "API key sent with every call as `authorization: Bearer`; default "
          "$SCHEDULING_API_KEY (prefer the variable: flags show in ps)");
ABSL_FLAG(std::string, frame_ancestors,
          EnvOr("SCHEDULING_PAGE_FRAME_ANCESTORS", "'self'"),
          "CSP frame-ancestors: the sites that may embed the page, e.g. "
          "\"'self' https://www.example.com\"; 'none' forbids embedding "
          "(env SCHEDULING_PAGE_FRAME_ANCESTORS)");
ABSL_FLAG(std::string, form_secret, EnvOr("SCHEDULING_PAGE_FORM_SECRET", ""),
          "signs the booking forms; at least 16 bytes, the same on every "
          "replica; empty: derived from the API key (which replicas share), "
          "else random per process (env SCHEDULING_PAGE_FORM_SECRET)");
ABSL_FLAG(absl::Duration, timeout,
          EnvDurationOr("SCHEDULING_PAGE_TIMEOUT", absl::Seconds(5)),
          "deadline of each call to the server (env SCHEDULING_PAGE_TIMEOUT)");
ABSL_FLAG(int, threads, EnvIntOr("SCHEDULING_PAGE_THREADS", 32),
          "HTTP worker threads; each open keep-alive connection holds one "
          "(env SCHEDULING_PAGE_THREADS)");
// The server's names and meanings, so that k8s-check holds the page's
// terminationGracePeriodSeconds to the same rule.
ABSL_FLAG(absl::Duration, shutdown_delay,
          EnvDurationOr("SCHEDULING_SHUTDOWN_DELAY", absl::ZeroDuration()),
          "after SIGTERM, answer /readyz with 503 and keep serving this long "
          "before stopping (env SCHEDULING_SHUTDOWN_DELAY; 5s in k8s/)");
ABSL_FLAG(absl::Duration, grace_period,
          EnvDurationOr("SCHEDULING_GRACE_PERIOD", absl::Seconds(10)),
          "then, how long requests in flight may finish "
          "(env SCHEDULING_GRACE_PERIOD)");
ABSL_FLAG(bool, access_log,
          EnvOr("SCHEDULING_PAGE_ACCESS_LOG", "true") != "false",
          "one line per request on stderr, link tokens redacted (env "
          "SCHEDULING_PAGE_ACCESS_LOG=false turns it off)");

namespace scheduling::booking_page {
namespace {

constexpr size_t kMinSecretBytes = 16;

// "host:port" or "[v6]:port".
bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  return absl::SimpleAtoi(address.substr(colon + 1), port) && *port > 0 &&
         *port < 65536;
}

// The form secret of every replica that shares `api_key`: SHA-256 of the key
// under a label of its own, so that it reveals nothing of the key and
// serves nothing else.
std::string DeriveFormSecret(const std::string& api_key) {
  const std::string input =
      absl::StrCat("scheduling booking_page form secret\n", api_key);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// A CSP source list must not smuggle in other directives or headers.
bool IsSourceList(absl::string_view sources) {
  if (sources.empty()) return false;
  for (const char c : sources) {
    if (c == ';' || c == ',' || c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

int Main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "booking_page [--listen=127.0.0.1:8080] [--server=HOST:PORT] "
      "[--insecure | --tls_ca=PEM ...] [--frame_ancestors=SOURCES]\n"
      "(the API key from $SCHEDULING_API_KEY)");
  absl::ParseCommandLine(argc, argv);

  std::string host;
  int port = 0;
  if (!SplitHostPort(absl::GetFlag(FLAGS_listen), &host, &port)) {
    std::cerr << "booking_page: --listen must be host:port\n";
    return 2;
  }
  scheduling::client::ConnectionOptions server;
  server.target = absl::GetFlag(FLAGS_server);
  server.insecure = absl::GetFlag(FLAGS_insecure);
  server.tls_ca_file = absl::GetFlag(FLAGS_tls_ca);
  server.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  server.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  server.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  server.api_key = absl::GetFlag(FLAGS_api_key);
  server.ApplyEnvironment();

  PageOptions options;
  options.frame_ancestors = absl::GetFlag(FLAGS_frame_ancestors);
  if (!IsSourceList(options.frame_ancestors)) {
    std::cerr << "booking_page: --frame_ancestors must be a CSP source list "
                 "such as \"'self' https://www.example.com\"\n";
    return 2;
  }
  options.form_secret = absl::GetFlag(FLAGS_form_secret);
  if (options.form_secret.empty() && !server.api_key.empty()) {
    // Every replica holds the same API key: a secret derived from it signs
    // forms that any replica accepts, with no second Secret to manage.
    options.form_secret = DeriveFormSecret(server.api_key);
  } else if (options.form_secret.empty()) {
    // Forms rendered by this process post only to it: fine for one.
    options.form_secret = RandomUrlSafeKey(32);
  } else if (options.form_secret.size() < kMinSecretBytes) {
    std::cerr << "booking_page: --form_secret must be at least "
              << kMinSecretBytes << " bytes\n";
    return 2;
  }
  options.access_log = absl::GetFlag(FLAGS_access_log);
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  const int threads = absl::GetFlag(FLAGS_threads);
  if (timeout <= absl::ZeroDuration() || threads < 1) {
    std::cerr << "booking_page: --timeout and --threads must be positive\n";
    return 2;
  }

  // Only sigwait below receives the stop signals: block them in every
  // thread, which inherits this mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<Connection> connection;
  if (const grpc::Status status =
          Connection::Open(server, timeout, &connection);
      !status.ok()) {
    std::cerr << "booking_page: " << status.error_message() << "\n";
    return 2;
  }
  // A client certificate is a credential of its own (mTLS).
  if (server.api_key.empty() && server.tls_cert_file.empty()) {
    std::cerr << "booking_page: no API key (SCHEDULING_API_KEY or "
                 "--api_key) and no client certificate: calls go without "
                 "credentials\n";
  }
  BookingPage page(*connection, options, std::cerr);
  httplib::Server http;
  http.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  page.Register(&http);
  if (!http.bind_to_port(host, port)) {
    std::cerr << "booking_page: cannot listen on "
              << absl::GetFlag(FLAGS_listen) << "\n";
    return 1;
  }
  auto served = std::async(std::launch::async,
                           [&http] { return http.listen_after_bind(); });
  std::cerr << "booking_page: serving http://" << absl::GetFlag(FLAGS_listen)
            << " for the scheduling server at " << server.target << " ("
            << (server.insecure ? "plain text" : "TLS") << ")" << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const absl::Duration delay = absl::GetFlag(FLAGS_shutdown_delay);
  std::cerr << "booking_page: "
            << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping"
            << (delay > absl::ZeroDuration()
                    ? absl::StrCat(" in ", absl::FormatDuration(delay))
                    : "")
            << std::endl;
  page.StartDraining();
  absl::SleepFor(delay);
  // Closes the listening socket and lets the workers finish the requests in
  // flight, for as long as the grace period allows.
  http.stop();
  if (served.wait_for(absl::ToChronoSeconds(
          absl::GetFlag(FLAGS_grace_period))) != std::future_status::ready) {
    std::cerr << "booking_page: requests still running after the grace "
                 "period; exiting"
              << std::endl;
    std::_Exit(0);
  }
  std::cerr << "booking_page: stopped" << std::endl;
  return 0;
}

}  // namespace
}  // namespace scheduling::booking_page

int main(int argc, char* argv[]) {
  return scheduling::booking_page::Main(argc, argv);
}
