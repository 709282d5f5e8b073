// Numbers link events: the only writer of a location's event head row.
//
// A link write commits its events as drafts (one_time_link_event_drafts,
// migration 0006), unnumbered, touching no row shared with other links.
// Sequencing moves a location's drafts into one_time_link_events in one
// transaction that locks the location's head row, gives them the next
// seqs (in draft pk order, except that a link's own events keep their
// per-link order, link_event_no), deletes the drafts and stores the new
// head. Only committed drafts can be seen, and the head row makes
// sequencing passes of a location one at a time, so:
//   - seqs of a location are gapless and never reused (the primary key
//     (location_id, seq) would refuse a duplicate: sequencers on two
//     Galera nodes conflict and one is refused);
//   - a reader that has seen seq N never later finds a new event at or
//     below N: a pass commits all its seqs at once, after every earlier
//     pass;
//   - a link's events get increasing seqs in the order they happened.
// Across links, seq order is the order of sequencing, which follows
// commit order within the sequencing lag: two events committed at about
// the same time may come out in either order.
//
// EventSequencer runs sequencing in the server: one thread, woken right
// after a local write commits events (Wake), plus a sweep every
// `sweep_interval` for drafts nobody woke it for (committed by other
// servers, or left by one that crashed). Its failures are logged and
// counted, never a caller's error; the drafts stay and the next wake or
// sweep numbers them.
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_STORE_EVENT_SEQUENCER_H_
#define SCHEDULING_SERVER_STORE_EVENT_SEQUENCER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

struct SequencerOptions {
  // false: Start, Wake and CatchUp do nothing (tests: a server that dies
  // before numbering what it wrote).
  bool enabled = true;
  // Drafts numbered per transaction.
  int batch_size = 500;
  // How often drafts that nobody woke the sequencer for are looked for.
  absl::Duration sweep_interval = absl::Milliseconds(150);
  // Locations a sweep takes on at most.
  int sweep_locations = 64;
  // The deadline of each transaction the sequencer runs.
  absl::Duration work_timeout = absl::Seconds(5);
};

// One sequencing pass over `location_id`: numbers up to `batch_size` of
// its committed drafts in one transaction.
struct SequencedBatch {
  int numbered = 0;   // events that got a seq
  bool more = false;  // drafts were left for another pass
};
absl::StatusOr<SequencedBatch> SequenceLocation(ConnectionPool& pool,
                                                absl::string_view location_id,
                                                int batch_size);

class EventSequencer {
 public:
  // Called (on the sequencer's thread, or the caller's for CatchUp) after
  // events of a location were numbered, to wake its watchers.
  using Numbered = std::function<void(const std::string& location_id)>;

  // `own` is the thread's pool (one connection is enough; its pool
  // metrics stay apart from the callers'); `calls` is the pool of the
  // calls that CatchUp runs for, whose metrics the sequencer counts in.
  // The thread starts numbering once the schema is current.
  EventSequencer(ConnectionPool& own, ConnectionPool& calls,
                 SequencerOptions options = {});
  ~EventSequencer();  // Stop()
  EventSequencer(const EventSequencer&) = delete;
  EventSequencer& operator=(const EventSequencer&) = delete;

  // Starts the thread; `numbered` is called after every pass that
  // numbered something. Once.
  void Start(Numbered numbered);

  // A local transaction just committed events of `location_id`: number
  // them soon (wakes the thread; never blocks on the database).
  void Wake(absl::string_view location_id);

  // Numbers, in the calling thread, every draft of `location_id` that was
  // committed before the call (and maybe later ones), so that a read that
  // follows sees them: read-your-writes for ListOneTimeLinkEvents. Bounded
  // by the current call's deadline. An error means some may be left
  // unnumbered (the thread or sweep will number them).
  absl::Status CatchUp(absl::string_view location_id);

  // Numbers what it was woken for, then stops the thread. Idempotent.
  void Stop();

 private:
  void Run();
  // Waits until the schema is current (false: stopped meanwhile).
  bool AwaitSchema();
  // Passes over `location_id` until no drafts are left or `passes` ran.
  absl::StatusOr<int> Drain(const std::string& location_id, int passes);
  // Locations with drafts older than the last sweep.
  absl::StatusOr<std::vector<std::string>> Sweep();
  void Failed(absl::string_view what, const absl::Status& status);

  ConnectionPool& own_;
  ConnectionPool& calls_;
  const SequencerOptions options_;
  Numbered numbered_;
  std::thread thread_;

  absl::Mutex mu_;
  absl::flat_hash_set<std::string> woken_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // The sequencer thread's own: the highest draft pk seen by the last
  // sweep (drafts at or below it were there a sweep ago), and when a
  // failure was last logged.
  uint64_t swept_up_to_ = 0;
  bool swept_once_ = false;
  bool succeeded_once_ = false;
  absl::Time last_failure_log_ = absl::InfinitePast();
  int64_t failures_unlogged_ = 0;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_EVENT_SEQUENCER_H_
