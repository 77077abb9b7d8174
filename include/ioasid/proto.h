/* SPDX-License-Identifier: MIT */
/*
 * ioasid/proto.h - the ioasidd wire protocol (version 1).
 *
 * Transport: a SOCK_SEQPACKET UNIX socket; one request or reply per message.
 * Descriptors travel as SCM_RIGHTS. The daemon enables SO_PASSCRED and
 * checks the sending pid of every message against the process that opened
 * the handle. docs/protocol.md is the narrative reference; this header is
 * the normative layout. Only the daemon and libioasid-client include it.
 *
 * Request:  struct ioasid_msg_hdr, then the op's request struct.
 * Reply:    struct ioasid_reply_hdr, then the op's reply struct (if any);
 *           a failed request's reply is the header alone (result < 0).
 * Event:    struct ioasid_reply_hdr with seq 0 and result 0, then the event.
 *
 * A connection is a handle of the process that connected. A second
 * connection from a process that has one open is refused: its first
 * request is answered -EBUSY and the daemon then closes it.
 *
 * Extensibility (iommufd rules): every request and reply struct starts with
 * its own u32 size, which must equal the bytes that follow the header.
 *  - size smaller than the op's minimum size            -> -EINVAL
 *  - size larger than the daemon knows, extra bytes non-zero -> -E2BIG
 *    (extra zero bytes are accepted and ignored)
 *  - unknown op                                           -> -ENOTTY
 *  - unknown flag, non-zero reserved (__rsvd) field       -> -EOPNOTSUPP
 *  - hdr.size different from the message length, message shorter than the
 *    header, or longer than IOASID_MSG_MAX                -> -EINVAL
 * Replies follow the same rule in the other direction: a client reads the
 * fields it knows and ignores a longer tail.
 *
 * All integers are in host byte order (the socket never leaves the host),
 * all structs are naturally aligned with no implicit padding, and strings
 * are fixed-size, NUL-terminated arrays (an unterminated one -> -EINVAL).
 */
#ifndef IOASID_PROTO_H
#define IOASID_PROTO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOASID_PROTO_VERSION 1
#define IOASID_MSG_MAX 65536u /* largest message either way */
#define IOASID_PATH_MAX 256u /* cgroup path arrays, NUL included */
#define IOASID_LIMIT_MAX UINT64_MAX /* "max": no limit */

struct ioasid_msg_hdr {
	uint32_t size; /* whole message, header included */
	uint32_t op; /* enum ioasid_op */
	uint64_t seq; /* chosen by the client, non-zero, echoed in the reply */
};

struct ioasid_reply_hdr {
	uint32_t size; /* whole message, header included */
	uint32_t op; /* the request's op, or an enum ioasid_evt */
	uint64_t seq; /* the request's seq; 0 for asynchronous events */
	int32_t result; /* 0 or -errno */
	uint32_t __rsvd;
};

enum ioasid_op {
	/* Handle operations: act on the caller's own set. */
	IOASID_OP_GET_INFO = 0x100,
	IOASID_OP_ALLOC = 0x101,
	IOASID_OP_FREE = 0x102,
	IOASID_OP_GET = 0x103,
	IOASID_OP_PUT = 0x104,
	IOASID_OP_ATTACH_SPID = 0x105,
	IOASID_OP_DETACH_SPID = 0x106,
	IOASID_OP_FIND_SPID = 0x107,
	IOASID_OP_EXPORT = 0x108,
	IOASID_OP_IMPORT = 0x109,
	IOASID_OP_SUBSCRIBE = 0x10a,
	IOASID_OP_RECLAIM = 0x10b,

	/* Administration: root or the daemon's owner uid, else -EACCES. */
	IOASID_OP_SET_QUOTA = 0x200,
	IOASID_OP_LIMIT_SET = 0x201,
	/* Queries: any handle (they reveal no right to anything). */
	IOASID_OP_STATUS = 0x280,
	IOASID_OP_LIST = 0x281,
	IOASID_OP_SETS = 0x282,
	IOASID_OP_LIMIT_GET = 0x283,

	/*
	 * IOMMU platform operations (0x300-0x3ff): the daemon's platform,
	 * group ownership, VFIO-style containers and their DMA mappings.
	 * 0x350-0x3ff stay reserved (iommufd-style IOAS operations).
	 */
	IOASID_OP_GROUPS = 0x300, /* query: paged group listing */
	IOASID_OP_DEVICES = 0x301, /* query: paged device listing */
	IOASID_OP_GROUP_CLAIM = 0x310,
	IOASID_OP_GROUP_RELEASE = 0x311,
	IOASID_OP_CONTAINER_CREATE = 0x320,
	IOASID_OP_CONTAINER_ATTACH_GROUP = 0x321,
	IOASID_OP_CONTAINER_DETACH_GROUP = 0x322,
	IOASID_OP_CONTAINER_INFO = 0x323,
	IOASID_OP_CONTAINER_ATTACH_PASID = 0x324,
	IOASID_OP_CONTAINER_DETACH_PASID = 0x325,
	IOASID_OP_MAP_DMA = 0x330,
	IOASID_OP_UNMAP_DMA = 0x331,
	IOASID_OP_TRANSLATE = 0x332,
	IOASID_OP_FAULT_READ = 0x333,
	IOASID_OP_DESTROY = 0x340,
};

/* Asynchronous events (reply header with seq 0). */
enum ioasid_evt {
	IOASID_EVT_NOTIFY = 0x8001, /* struct ioasid_evt_notify */
	IOASID_EVT_DROPPED = 0x8002, /* struct ioasid_evt_dropped */
};

/* Requests with no fields of their own beyond size and flags. */
struct ioasid_req_empty {
	uint32_t size;
	uint32_t flags; /* must be 0 */
};

/* Replies with no out fields. */
struct ioasid_rep_empty {
	uint32_t size;
	uint32_t __rsvd;
};

/* ---- GET_INFO: struct ioasid_req_empty -> ioasid_rep_get_info ---- */
#define IOASID_INFO_ADMIN (1u << 0) /* the caller may use admin ops */
#define IOASID_INFO_RECLAIMED (1u << 1) /* this handle adopted IDs at connect */

struct ioasid_rep_get_info {
	uint32_t size;
	uint32_t version; /* IOASID_PROTO_VERSION */
	uint32_t capacity; /* namespace capacity */
	uint32_t available; /* capacity no quota or reservation holds */
	uint32_t quota; /* the caller's set quota */
	uint32_t nr_ids; /* the caller's live IDs */
	uint32_t flags; /* IOASID_INFO_* */
	uint32_t __rsvd;
	uint64_t set_id; /* the caller's set */
	uint64_t cg_max; /* the caller's cgroup max, IOASID_LIMIT_MAX if none */
	uint64_t cg_current;
	uint64_t cg_events;
	char cgroup[IOASID_PATH_MAX]; /* the caller's cgroup v2 path */
};

/* ---- ALLOC ---- */
struct ioasid_req_alloc {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t min; /* min = max = 0: the whole range [1, capacity-1] */
	uint32_t max;
};

struct ioasid_rep_id {
	uint32_t size;
	uint32_t id;
};

/* ---- FREE, GET, PUT, DETACH_SPID, EXPORT: struct ioasid_req_id ---- */
struct ioasid_req_id {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t id;
	uint32_t __rsvd;
};

/* ---- ATTACH_SPID ---- */
struct ioasid_req_attach_spid {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t id;
	uint32_t spid;
};

/* ---- FIND_SPID -> ioasid_rep_id ---- */
#define IOASID_FIND_SPID_GET (1u << 0) /* also take a reference */

struct ioasid_req_find_spid {
	uint32_t size;
	uint32_t flags;
	uint32_t spid;
	uint32_t __rsvd;
};

/*
 * ---- EXPORT: struct ioasid_req_id -> ioasid_rep_id + one SCM_RIGHTS fd ----
 * The descriptor is the right to take one reference on that PASID. It is
 * valid while the ID is ACTIVE and its exporter's handle is open.
 *
 * ---- IMPORT: struct ioasid_req_empty + one SCM_RIGHTS fd -> ioasid_rep_id
 * The importer's handle takes a reference, dropped by PUT or at close.
 * Errors: -EBADF no or unknown descriptor; -ENOENT the export is gone;
 * -EBUSY the ID is FREE_PENDING.
 */

/* ---- SUBSCRIBE: events of the caller's set as IOASID_EVT_NOTIFY ---- */
#define IOASID_SUB_ALLOC (1u << 0)
#define IOASID_SUB_FREE (1u << 1)
#define IOASID_SUB_BIND (1u << 2)
#define IOASID_SUB_UNBIND (1u << 3)
#define IOASID_SUB_ALL 0xfu

struct ioasid_req_subscribe {
	uint32_t size;
	uint32_t flags; /* IOASID_SUB_*; 0 unsubscribes */
};

struct ioasid_evt_notify {
	uint32_t size;
	uint32_t event; /* enum ioasid_event of ioasid/core.h */
	uint32_t id;
	uint32_t spid; /* IOASID_INVALID when none; UNBIND: the SPID removed */
	uint64_t set_id;
};

/* Sent once when the daemon dropped events it could not queue. */
struct ioasid_evt_dropped {
	uint32_t size;
	uint32_t __rsvd;
	uint64_t count;
};

/*
 * ---- RECLAIM: struct ioasid_req_page -> ioasid_rep_page of ioasid_list_entry ----
 * After the daemon restarted, a process whose IDs survived in the journal
 * is given them back when it connects (identified by pid and process start
 * time); RECLAIM lists the IDs the handle owns so the client library can
 * check them against its own record. Paged like LIST: the request is a
 * struct ioasid_req_page (a bare struct ioasid_req_empty, its first two
 * fields, asks for the first page), next > 0 means more IDs follow.
 */

/* ---- SET_QUOTA (admin) ---- */
struct ioasid_req_set_quota {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t pid; /* the handle of this process; 0: default for new handles */
	uint32_t quota;
};

/* ---- LIMIT_SET (admin), LIMIT_GET ---- */
struct ioasid_req_limit {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint64_t max; /* LIMIT_SET only; IOASID_LIMIT_MAX for "max" */
	char path[IOASID_PATH_MAX]; /* cgroup v2 path */
};

struct ioasid_rep_limit {
	uint32_t size;
	uint32_t __rsvd;
	uint64_t max;
	uint64_t current;
	uint64_t events;
	uint64_t capacity; /* root only; 0 elsewhere */
};

/* ---- STATUS: struct ioasid_req_empty -> ioasid_rep_status ---- */
struct ioasid_rep_status {
	uint32_t size;
	uint32_t version;
	uint32_t capacity;
	uint32_t available;
	uint32_t nr_sets;
	uint32_t nr_ids; /* live IDs in the namespace */
	uint32_t nr_handles;
	uint32_t daemon_pid;
	uint64_t uptime_ms;
	uint64_t journal_bytes; /* 0 when no state directory */
};

/*
 * ---- LIST, SETS: paged queries ----
 * LIST walks live IDs in ascending order from start; SETS walks sets by
 * ascending set id from start. At most max_entries (and what fits in
 * IOASID_MSG_MAX) come back; next is where the following page starts, 0 at
 * the end.
 */
struct ioasid_req_page {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint64_t start;
	uint32_t max_entries; /* 0: as many as fit */
	uint32_t __rsvd;
};

struct ioasid_list_entry {
	uint32_t id;
	uint32_t state; /* enum ioasid_state */
	uint32_t refs;
	uint32_t spid;
	uint64_t set_id;
	uint32_t owner_pid; /* 0 once the owner is gone */
	uint32_t __rsvd;
};

struct ioasid_sets_entry {
	uint64_t set_id;
	uint32_t type; /* enum ioasid_set_type */
	uint32_t quota;
	uint32_t nr_ids;
	uint32_t owner_pid;
	char cgroup[IOASID_PATH_MAX];
};

struct ioasid_rep_page {
	uint32_t size;
	uint32_t count; /* entries that follow */
	uint64_t next;
	/* followed by count entries of the op's entry struct */
};

/* ===================================================================
 * IOMMU platform operations (0x300 range). docs/protocol.md, section
 * "IOMMU operations", describes the semantics and every errno.
 *
 * Objects. A container is an object of the handle that created it,
 * named by a daemon-wide object ID (never 0, not reused while the daemon
 * runs). An object ID of another handle is answered -ENOENT, exactly as
 * one that never existed. Groups and devices are named by the platform's
 * own IDs (those GROUPS and DEVICES list).
 *
 * Ownership. A handle claims a group (GROUP_CLAIM) before attaching it to
 * one of its containers; the handle is then the group's DMA owner, and
 * every device of the group is bound to it. Closing a handle destroys its
 * containers (every mapping unmapped, every group detached) and then
 * releases its claims.
 * =================================================================== */

/* enum values shared with ioasid/iommu/group.h and domain.h:
 * struct ioasid_group_entry.type     enum ioasid_group_type
 * struct ioasid_device_entry.driver_kind  enum ioasid_driver_kind
 * struct ioasid_fault_entry.reason   enum ioasid_fault_reason */

#define IOASID_NAME_LEN 64u /* group, device and driver name arrays */
#define IOASID_PARENT_LEN 128u /* device parent path array */
#define IOASID_ID_NONE UINT32_MAX /* "no group", "no IOMMU" in entries */

/*
 * ---- GROUPS: struct ioasid_req_page -> ioasid_rep_page of
 * ioasid_group_entry, by ascending group id from start ----
 */
#define IOASID_GROUP_F_VIABLE (1u << 0) /* VFIO's viable, for the caller:
					 * every device unbound or bound
					 * to the caller */

struct ioasid_group_entry {
	uint32_t id;
	uint32_t type; /* enum ioasid_group_type */
	uint32_t nr_devices;
	uint32_t owner_pid; /* the claiming handle's pid; 0 when unowned */
	uint32_t container_id; /* the container it is attached to, or 0 */
	uint32_t flags; /* IOASID_GROUP_F_* */
	char name[IOASID_NAME_LEN]; /* "" when unnamed */
};

/*
 * ---- DEVICES: struct ioasid_req_page -> ioasid_rep_page of
 * ioasid_device_entry, by ascending device id from start ----
 */
struct ioasid_device_entry {
	uint32_t id;
	uint32_t group_id; /* IOASID_ID_NONE when in no group */
	uint32_t driver_kind; /* enum ioasid_driver_kind */
	uint32_t ssid_bits; /* PASID capability; 0: none */
	uint32_t iommu; /* index of its IOMMU on the platform */
	uint32_t owner_pid; /* pid of the owning handle, 0 if none */
	char name[IOASID_NAME_LEN];
	char parent[IOASID_PARENT_LEN]; /* "" when none */
	char driver[IOASID_NAME_LEN]; /* native driver or owner name */
};

/* ---- GROUP_CLAIM, GROUP_RELEASE -> ioasid_rep_empty ---- */
#define IOASID_GROUP_CLAIM_DETACH_DRIVERS (1u << 0) /* unbind native drivers */

struct ioasid_req_group {
	uint32_t size;
	uint32_t flags; /* CLAIM: IOASID_GROUP_CLAIM_*; RELEASE: 0 */
	uint32_t group_id;
	uint32_t __rsvd;
};

/* ---- CONTAINER_CREATE -> ioasid_rep_id (the container's object ID) ---- */
#define IOASID_CONTAINER_SPAPR_TCE 2u /* VFIO_SPAPR_TCE_IOMMU */
#define IOASID_CONTAINER_TYPE1V2 3u /* VFIO_TYPE1v2_IOMMU */

struct ioasid_req_container_create {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t type; /* IOASID_CONTAINER_TYPE1V2 or _SPAPR_TCE */
	uint32_t __rsvd;
};

/* ---- CONTAINER_ATTACH_GROUP, CONTAINER_DETACH_GROUP -> ioasid_rep_empty */
struct ioasid_req_container_group {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t container_id;
	uint32_t group_id;
};

/* ---- CONTAINER_INFO, DESTROY: struct ioasid_req_object ---- */
struct ioasid_req_object {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t id; /* object ID */
	uint32_t __rsvd;
};

/* CONTAINER_INFO reply: which fields are valid. */
#define IOASID_CONTAINER_F_PGSIZES (1u << 0)
#define IOASID_CONTAINER_F_IOVA_RANGES (1u << 1)
#define IOASID_CONTAINER_F_DMA_AVAIL (1u << 2)
#define IOASID_CONTAINER_F_DMA32_WINDOW (1u << 3)

#define IOASID_CONTAINER_RANGES_MAX 16u

/* An inclusive IOVA range [start, last]. */
struct ioasid_range_entry {
	uint64_t start;
	uint64_t last;
};

struct ioasid_rep_container_info {
	uint32_t size;
	uint32_t type; /* IOASID_CONTAINER_TYPE1V2 or _SPAPR_TCE */
	uint32_t flags; /* IOASID_CONTAINER_F_*: valid fields (0: no group) */
	uint32_t nr_groups;
	uint64_t pgsizes; /* F_PGSIZES: bitmap of supported page sizes */
	uint64_t mapped_bytes;
	uint32_t nr_mappings; /* TYPE1V2: MAP_DMA mappings; SPAPR: TCEs set */
	uint32_t dma_avail; /* F_DMA_AVAIL: mappings that can still be made */
	uint32_t dma32_window_start; /* F_DMA32_WINDOW (SPAPR_TCE) */
	uint32_t dma32_window_size;
	uint32_t nr_iova_ranges; /* F_IOVA_RANGES: usable ranges in total */
	uint32_t __rsvd;
	/* the first min(nr_iova_ranges, IOASID_CONTAINER_RANGES_MAX) */
	struct ioasid_range_entry iova_ranges[IOASID_CONTAINER_RANGES_MAX];
};

/* ---- CONTAINER_ATTACH_PASID, CONTAINER_DETACH_PASID -> ioasid_rep_empty
 * DMA of the device tagged with pasid goes through the container. */
struct ioasid_req_container_pasid {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t container_id;
	uint32_t device_id;
	uint32_t pasid;
	uint32_t __rsvd;
};

/*
 * ---- MAP_DMA + one SCM_RIGHTS descriptor (a memfd) -> ioasid_rep_empty
 * [iova, iova + length) maps [offset, offset + length) of the memfd. The
 * daemon maps that part of the memfd MAP_SHARED until it is unmapped.
 */
#define IOASID_DMA_READ (1u << 0) /* the device may read */
#define IOASID_DMA_WRITE (1u << 1) /* the device may write */

struct ioasid_req_map_dma {
	uint32_t size;
	uint32_t flags; /* IOASID_DMA_READ | IOASID_DMA_WRITE */
	uint32_t container_id;
	uint32_t __rsvd;
	uint64_t iova;
	uint64_t length;
	uint64_t offset; /* into the memfd */
};

/* ---- UNMAP_DMA -> ioasid_rep_unmap_dma ---- */
#define IOASID_UNMAP_DMA_ALL (1u << 0) /* everything; iova = length = 0 */

struct ioasid_req_unmap_dma {
	uint32_t size;
	uint32_t flags; /* IOASID_UNMAP_DMA_* */
	uint32_t container_id;
	uint32_t __rsvd;
	uint64_t iova;
	uint64_t length;
};

struct ioasid_rep_unmap_dma {
	uint32_t size;
	uint32_t __rsvd;
	uint64_t unmapped; /* bytes */
};

/*
 * ---- TRANSLATE -> ioasid_rep_translate ----
 * A DMA access through a container (id = container ID, pasid 0) or from a
 * device (IOASID_TRANSLATE_DEVICE: id = device ID, with pasid). A refused
 * access is recorded as a fault and answered -EFAULT or -EACCES.
 */
#define IOASID_TRANSLATE_DEVICE (1u << 0)

struct ioasid_req_translate {
	uint32_t size;
	uint32_t flags; /* IOASID_TRANSLATE_* */
	uint32_t id; /* container ID, or device ID with _DEVICE */
	uint32_t pasid; /* 0: untagged DMA */
	uint64_t iova;
	uint32_t access; /* IOASID_DMA_READ and/or IOASID_DMA_WRITE */
	uint32_t __rsvd;
};

struct ioasid_rep_translate {
	uint32_t size;
	uint32_t prot; /* the mapping's IOASID_DMA_* */
	uint64_t offset; /* where iova lands in the mapping's memfd */
	uint64_t map_iova; /* the mapping holding iova */
	uint64_t map_length;
	uint32_t container_id; /* the container that translated */
	uint32_t __rsvd;
};

/*
 * ---- FAULT_READ -> ioasid_rep_faults + count ioasid_fault_entry ----
 * Moves up to max_entries (0: as many as fit) of the oldest faults
 * recorded in the container's address spaces to the reply.
 */
struct ioasid_req_fault_read {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t container_id;
	uint32_t max_entries;
};

struct ioasid_fault_entry {
	uint32_t device_id; /* 0: a TRANSLATE through the container itself */
	uint32_t pasid;
	uint64_t addr; /* the IOVA */
	uint32_t access; /* IOASID_DMA_* */
	uint32_t reason; /* enum ioasid_fault_reason */
};

struct ioasid_rep_faults {
	uint32_t size;
	uint32_t count; /* entries that follow */
	uint64_t lost; /* faults dropped (ring full) since the last read */
	/* followed by count struct ioasid_fault_entry */
};

#ifdef __cplusplus
}
#endif
#endif /* IOASID_PROTO_H */
