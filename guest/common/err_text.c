// err_text.c: the words for ABI v0's error numbers (abi.h), for the lines
// people read (the shell's "cannot run", cat's errors). Shared by the
// kernel and user space; one table, so a new error gets its words here.
#include "types.h"
#include "lib.h"
#include "abi.h"

static const char *const err_texts[] = {
	[-ERR_NOSYS] = "no such call",
	[-ERR_FAULT] = "bad address",
	[-ERR_INVAL] = "invalid argument or program",
	[-ERR_NOMEM] = "out of memory",
	[-ERR_BADHANDLE] = "bad handle",
	[-ERR_FULL] = "table full",
	[-ERR_NOTFOUND] = "not found",
	[-ERR_EXISTS] = "already exists",
	[-ERR_NOSPACE] = "buffer too small",
	[-ERR_IO] = "I/O error",
	[-ERR_NODEV] = "no device",
	[-ERR_TIMEOUT] = "device timeout",
	[-ERR_CORRUPT] = "filesystem corrupt",
	[-ERR_FSFULL] = "filesystem full",
};

// The words for err (a negative ABI error), or "unknown error".
const char *err_text(long err)
{
	if (err < 0 && -err < (long)(sizeof(err_texts) / sizeof(err_texts[0])) && err_texts[-err])
		return err_texts[-err];
	return "unknown error";
}
