// fsd_proto.h: the fsd service's IPC protocol (docs/rugofs.md, "fsd
// protocol"). A client sends one struct fsd_request to the endpoint
// registered as FSD_SERVICE, carrying its reply endpoint (ipc_send's
// carry argument); fsd answers with one struct fsd_reply on that
// endpoint, then drops its handle to it. Requests are served in order.
#ifndef RUGO_FSD_PROTO_H
#define RUGO_FSD_PROTO_H

#include "types.h"
#include "rfs.h"

#define FSD_SERVICE "fsd"
#define FSD_DATA_MAX 160 // data bytes per request or reply

enum fsd_op {
	FSD_STAT = 1, // path -> size, type
	FSD_READ,     // path, offset, len -> data (len 0: end of file)
	FSD_WRITE,    // path, offset (<= size), len, data -> len written
	FSD_CREATE,   // path -> an empty file (the parent must exist)
	FSD_MKDIR,    // path -> an empty directory
	FSD_REMOVE,   // path -> a file or an empty directory is gone
	FSD_LIST,     // path, offset = slot -> names, NUL-separated; size = next slot
};

struct fsd_request {
	uint32 op; // enum fsd_op
	uint32 offset;
	uint32 len;
	uint32 reserved;
	char path[RFS_PATH_MAX]; // absolute, NUL-terminated
	uint8 data[FSD_DATA_MAX];
};

struct fsd_reply {
	int32 status; // 0 or more: success (FSD_WRITE: bytes written); < 0: an ERR_ code
	uint32 len;   // bytes of data
	uint32 size;  // FSD_STAT: file size; FSD_LIST: the slot to ask for next
	uint32 type;  // FSD_STAT: enum rfs_type
	uint8 data[FSD_DATA_MAX];
};

_Static_assert(sizeof(struct fsd_request) <= 256, "fits one IPC message");
_Static_assert(sizeof(struct fsd_reply) <= 256, "fits one IPC message");

#endif
