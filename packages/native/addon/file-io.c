/*
 * @zarrkit/native's file I/O (MIT, like zarrkit): whole-file reads and atomic writes, each one
 * job on libuv's thread pool. node:fs takes one pool round trip per system call (open, fstat,
 * read, close: four for a chunk); here a chunk is one, which is most of a read's cost when the
 * file is in the page cache.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <node_api.h>

#include "arguments.h"
#include "blocks.h"
#include "module.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

typedef enum { READ_INTO, READ_UP_TO, READ_WHOLE, WRITE_ATOMIC, WRITE_MANY } file_operation;

/* What readFileInto and readFile resolve with for a key that has no file. */
#define MISSING (-1)

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref buffers_ref; /* the array of targets or parts, kept alive while the job runs */
  file_operation op;
  char* path;
  char* temp;           /* WRITE_ATOMIC: the temporary file renamed to `path` */
  struct iovec* iov;    /* READ_INTO targets, WRITE_ATOMIC parts, WRITE_MANY one per file */
  char** paths;         /* WRITE_MANY: the files (`path` and `temp` point at the one written) */
  char** temps;
  size_t path_count;
  size_t temp_count;
  int64_t failed;       /* WRITE_MANY: the file that failed, -1 if none */
  int64_t* shifts;      /* WRITE_MANY of moved runs: the bytes each file's runs lie from iov's */
  struct iovec* moved;  /* WRITE_MANY of moved runs: a file's runs, as written */
  size_t iov_count;
  size_t total;         /* bytes the iovecs hold */
  uint8_t* data;        /* READ_WHOLE: the file's bytes, in a block the ArrayBuffer gives back */
  size_t capacity;      /* READ_WHOLE: the block's size */
  int64_t result;       /* READ_INTO: bytes read, the file's size or MISSING; READ_WHOLE: size */
  int error;            /* errno of the failed call, 0 if none */
  const char* syscall;  /* the failed call */
  bool shrank;          /* the file ended before its size said */
  off_t position;       /* where transfers start in the file */
  int64_t range_start;  /* READ_WHOLE: -2 the whole file, -1 a suffix, else an offset */
  int64_t range_length; /* READ_WHOLE: the range's or suffix's length */
  int64_t file_size;    /* READ_WHOLE: set when the range lies past the end */
} file_job;

static void fail(file_job* j, const char* syscall) {
  j->error = errno;
  j->syscall = syscall;
}

/* Opens `path` for reading; MISSING (not an error) when there is no such file. */
static int open_for_reading(file_job* j) {
  int fd = open(j->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      j->result = MISSING;
    else
      fail(j, "open");
  }
  return fd;
}

/* Moves every byte of the iovecs (preadv or writev), resuming after partial transfers. */
static bool transfer_all(file_job* j, int fd, bool reading) {
  struct iovec* iov = j->iov;
  size_t count = j->iov_count;
  off_t position = j->position;
  while (count > 0) {
    if (iov->iov_len == 0) {
      iov++;
      count--;
      continue;
    }
    int n = count > IOV_MAX ? IOV_MAX : (int)count;
    ssize_t moved = reading ? preadv(fd, iov, n, position) : writev(fd, iov, n);
    if (moved < 0) {
      if (errno == EINTR) continue;
      fail(j, reading ? "preadv" : "writev");
      return false;
    }
    if (moved == 0) {
      if (reading) j->shrank = true;
      else fail(j, "writev");
      return false;
    }
    position += moved;
    while (count > 0 && (size_t)moved >= iov->iov_len) {
      moved -= (ssize_t)iov->iov_len;
      iov++;
      count--;
    }
    if (count > 0) {
      iov->iov_base = (uint8_t*)iov->iov_base + moved;
      iov->iov_len -= (size_t)moved;
    }
  }
  return true;
}

/*
 * Opens a regular file for reading and reads its size into `info`; -1 when there is none (a
 * directory counts as none: result MISSING) or on failure (error set).
 */
static int open_file(file_job* j, struct stat* info) {
  int fd = open_for_reading(j);
  if (fd < 0) return -1;
  if (fstat(fd, info) != 0) {
    fail(j, "fstat");
    close(fd);
    return -1;
  }
  if (S_ISDIR(info->st_mode)) {
    j->result = MISSING;
    close(fd);
    return -1;
  }
  return fd;
}

static void read_into(file_job* j) {
  struct stat info;
  int fd = open_file(j, &info);
  if (fd < 0) return;
  if ((uint64_t)info.st_size != j->total &&
      (j->op != READ_UP_TO || (uint64_t)info.st_size > j->total)) {
    j->result = info.st_size; /* the caller reads it another way */
  } else {
    if (j->op == READ_UP_TO) j->iov[0].iov_len = (size_t)info.st_size; /* one target */
    if (transfer_all(j, fd, true)) j->result = info.st_size;
  }
  close(fd);
}

static void read_whole(file_job* j) {
  struct stat info;
  int fd = open_file(j, &info);
  if (fd < 0) return;
  if (j->range_start >= 0 && j->range_start + j->range_length > info.st_size) {
    j->file_size = info.st_size;
  } else {
    off_t start = j->range_start == -2   ? 0
                  : j->range_start == -1 ? (j->range_length < info.st_size
                                                ? info.st_size - j->range_length
                                                : 0)
                                         : j->range_start;
    size_t size = j->range_start == -2 || j->range_start == -1 ? (size_t)(info.st_size - start)
                                                                : (size_t)j->range_length;
    j->position = start;
    /* A recycled block: memory already touched, no page faults while the kernel copies. */
    j->capacity = roomy_capacity(size);
    j->data = take_block(&j->capacity);
    if (j->data == NULL) {
      errno = ENOMEM;
      fail(j, "malloc");
    } else {
      struct iovec whole = {j->data, size};
      j->iov = &whole;
      j->iov_count = 1;
      if (transfer_all(j, fd, true)) j->result = (int64_t)size;
      j->iov = NULL;
    }
  }
  close(fd);
}

/* Makes every missing directory of `path`'s parent, like `mkdir -p`. */
static bool make_parents(file_job* j) {
  char* copy = strdup(j->path);
  if (copy == NULL) {
    errno = ENOMEM;
    fail(j, "mkdir");
    return false;
  }
  char* slash = strrchr(copy, '/');
  bool ok = true;
  if (slash != NULL && slash != copy) {
    *slash = '\0';
    for (char* p = copy + 1; ok; p++) {
      if (*p != '/' && *p != '\0') continue;
      char saved = *p;
      *p = '\0';
      if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
        fail(j, "mkdir");
        ok = false;
      }
      *p = saved;
      if (saved == '\0') break;
    }
  }
  free(copy);
  return ok;
}

static void write_atomic(file_job* j) {
  int fd = open(j->temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 && errno == ENOENT) {
    /* The directory is made on the first write below it, not checked on every write. */
    if (!make_parents(j)) return;
    fd = open(j->temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  }
  if (fd < 0) {
    fail(j, "open");
    return;
  }
  bool ok = transfer_all(j, fd, false);
  if (close(fd) != 0 && ok) {
    fail(j, "close");
    ok = false;
  }
  if (ok && rename(j->temp, j->path) != 0) {
    fail(j, "rename");
    ok = false;
  }
  if (!ok) unlink(j->temp);
}

/*
 * Each file as write_atomic writes one, in order, stopping at the first that fails: its value
 * one iovec of the list, or (with shifts) all the runs moved.
 */
static void write_many(file_job* j) {
  struct iovec* values = j->iov;
  size_t count = j->iov_count;
  for (size_t i = 0; i < j->path_count; i++) {
    j->path = j->paths[i];
    j->temp = j->temps[i];
    if (j->shifts != NULL) {
      shift_runs(values, count, j->shifts[i], j->moved);
      j->iov = j->moved;
    } else {
      j->iov = values + i;
      j->iov_count = 1;
    }
    write_atomic(j);
    if (j->error != 0) {
      j->failed = (int64_t)i;
      break;
    }
  }
  j->iov = values;
  j->iov_count = count;
}

static void execute(napi_env env, void* data) {
  (void)env;
  file_job* j = data;
  switch (j->op) {
    case READ_INTO:
    case READ_UP_TO: read_into(j); break;
    case READ_WHOLE: read_whole(j); break;
    case WRITE_ATOMIC: write_atomic(j); break;
    case WRITE_MANY: write_many(j); break;
  }
}

/* The Error a failed job rejects with: message, and `errno`/`syscall`/`path` as node:fs sets. */
static napi_value job_error(napi_env env, file_job* j) {
  char text[512];
  /* Only a cancelled job of no files has none. */
  const char* path = j->path != NULL ? j->path : "(no file)";
  if (j->file_size >= 0)
    snprintf(text, sizeof text, "bytes %lld..%lld lie past the end of %s (%lld bytes)",
             (long long)j->range_start, (long long)(j->range_start + j->range_length), path,
             (long long)j->file_size);
  else if (j->shrank)
    snprintf(text, sizeof text, "%s shrank while being read", path);
  else
    snprintf(text, sizeof text, "%s failed: %s, %s", j->syscall, strerror(j->error), path);
  napi_value message, error;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  bool failed_call = !j->shrank && j->file_size < 0;
  set_file_error_fields(env, error, j->error, failed_call ? j->syscall : NULL, j->path);
  if (j->failed >= 0) {
    napi_value index;
    napi_create_int64(env, j->failed, &index);
    napi_set_named_property(env, error, "index", index);
  }
  return error;
}

/* Frees what a job owns (its path and temp are the lists' own when it has lists). */
static void free_job(file_job* j) {
  if (j->paths != NULL || j->temps != NULL) {
    for (size_t i = 0; i < j->path_count; i++) free(j->paths[i]);
    for (size_t i = 0; i < j->temp_count; i++) free(j->temps[i]);
    free(j->paths);
    free(j->temps);
  } else {
    free(j->path);
    free(j->temp);
  }
  free(j->iov);
  free(j->shifts);
  free(j->moved);
  free(j);
}

static void complete(napi_env env, napi_status status, void* data) {
  file_job* j = data;
  napi_value result = NULL;
  if (status != napi_ok && j->error == 0 && !j->shrank) {
    errno = ECANCELED;
    fail(j, "queue");
  }
  if (j->error != 0 || j->shrank || j->file_size >= 0) {
    napi_reject_deferred(env, j->deferred, job_error(env, j));
    give_block(j->data, j->capacity);
  } else if (j->op == WRITE_ATOMIC || j->op == WRITE_MANY) {
    napi_get_undefined(env, &result);
  } else if (j->op == READ_WHOLE && j->result != MISSING) {
    result = block_array(env, j->data, (size_t)j->result, j->capacity);
  } else {
    if (j->op == READ_WHOLE) give_block(j->data, j->capacity);
    if (j->op == READ_WHOLE && j->result == MISSING)
      napi_get_undefined(env, &result);
    else
      napi_create_int64(env, j->result, &result);
  }
  if (result != NULL) napi_resolve_deferred(env, j->deferred, result);
  if (j->buffers_ref != NULL) napi_delete_reference(env, j->buffers_ref);
  napi_delete_async_work(env, j->work);
  free_job(j);
}

/* Runs (listed or strided) as the job's iovecs, their buffers kept alive until it completes. */
static bool buffers_arg(napi_env env, napi_value value, const char* name, file_job* j) {
  return runs_arg(env, value, name, &j->iov, &j->iov_count, &j->total) &&
         napi_create_reference(env, value, 1, &j->buffers_ref) == napi_ok;
}

static void discard(napi_env env, file_job* j) {
  if (j->buffers_ref != NULL) napi_delete_reference(env, j->buffers_ref);
  free_job(j);
}

static file_job* new_job(napi_env env, file_operation op) {
  file_job* j = calloc(1, sizeof(file_job));
  if (j == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  j->op = op;
  j->range_start = -2;
  j->file_size = -1;
  j->failed = -1;
  return j;
}

/* Queues a job whose arguments parsed (`ok`), with its promise; else discards it: NULL. */
static napi_value queue(napi_env env, file_job* j, bool ok) {
  napi_value promise, name;
  if (!ok || napi_create_promise(env, &j->deferred, &promise) != napi_ok) {
    discard(env, j);
    return NULL;
  }
  napi_create_string_utf8(env, "zarrkit-file-io", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

/* Parses (path, [temp,] [buffers]) for `op` and queues the job; NULL with an error pending. */
static napi_value start(napi_env env, napi_callback_info info, file_operation op) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  size_t wanted = op == READ_WHOLE ? 1 : op == WRITE_ATOMIC ? 3 : 2;
  if (argc < wanted) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  file_job* j = new_job(env, op);
  if (j == NULL) return NULL;
  bool ok = (j->path = string_arg(env, args[0], "path")) != NULL;
  if (ok && op == READ_WHOLE && argc >= 3) {
    ok = napi_get_value_int64(env, args[1], &j->range_start) == napi_ok &&
         napi_get_value_int64(env, args[2], &j->range_length) == napi_ok &&
         j->range_start >= -1 && j->range_length >= 0;
    if (!ok) napi_throw_range_error(env, NULL, "a range is an offset (or -1: a suffix) and a length");
  }
  if (ok && op == WRITE_ATOMIC) ok = (j->temp = string_arg(env, args[1], "temp")) != NULL;
  if (ok && op == READ_UP_TO) {
    uint8_t* data = NULL;
    ok = byte_view(env, args[1], "target", &data, &j->total);
    if (ok) j->iov = calloc(1, sizeof(struct iovec));
    if (ok && j->iov == NULL) {
      napi_throw_error(env, NULL, "out of memory");
      ok = false;
    }
    if (ok) {
      j->iov[0].iov_base = data;
      j->iov[0].iov_len = j->total;
      j->iov_count = 1;
      ok = napi_create_reference(env, args[1], 1, &j->buffers_ref) == napi_ok;
    }
  } else if (ok && op != READ_WHOLE) {
    ok = buffers_arg(env, args[op == READ_INTO ? 1 : 2], op == READ_INTO ? "targets" : "parts", j);
  }
  return queue(env, j, ok);
}

/*
 * writeFilesAtomic(paths, temps, values | runs, offsets?): each value written as
 * writeFileAtomic writes it, in order; rejects naming the first file that failed (`index`
 * too), those before it written. Values are listed, or are strided runs moved to each of the
 * byte offsets of a Float64Array (the chunks of one array, laid out alike, with no view each).
 */
static napi_value js_write_files_atomic(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  bool listed = false;
  napi_is_array(env, args[2], &listed);
  if (!listed && argc < 4) {
    napi_throw_type_error(env, NULL, "strided runs need their offsets");
    return NULL;
  }
  file_job* j = new_job(env, WRITE_MANY);
  if (j == NULL) return NULL;
  bool ok = strings_arg(env, args[0], "paths", &j->paths, &j->path_count) &&
            strings_arg(env, args[1], "temps", &j->temps, &j->temp_count);
  size_t values = 0;
  if (ok && listed) {
    ok = buffers_arg(env, args[2], "values", j);
    values = j->iov_count;
  } else if (ok) {
    napi_value bytes;
    strided layout;
    ok = movable_layout(env, args[2], "runs", args[3], 1, 0, &bytes, &layout, &j->total,
                        &j->shifts, &values) &&
         expand_strided(env, &layout, &j->iov) &&
         napi_create_reference(env, bytes, 1, &j->buffers_ref) == napi_ok;
    if (ok) j->iov_count = layout.count;
    for (size_t i = 0; ok && i < values; i++) j->shifts[i] -= layout.offset;
    if (ok) j->moved = calloc(j->iov_count > 0 ? j->iov_count : 1, sizeof(struct iovec));
    if (ok && j->moved == NULL) {
      napi_throw_error(env, NULL, "out of memory");
      ok = false;
    }
  }
  /* What a job cancelled before it ran names. */
  if (ok && j->path_count > 0) j->path = j->paths[0];
  if (ok && (j->temp_count != j->path_count || values != j->path_count)) {
    napi_throw_range_error(env, NULL, "paths, temps and values must be as many");
    ok = false;
  }
  return queue(env, j, ok);
}

/* readFileInto(path, targets): bytes read; the file's size, unread, when it differs; -1 if none */
static napi_value js_read_file_into(napi_env env, napi_callback_info info) {
  return start(env, info, READ_INTO);
}

/* readFileUpTo(path, target): the file's size, its bytes at the start of target if they fit */
static napi_value js_read_file_up_to(napi_env env, napi_callback_info info) {
  return start(env, info, READ_UP_TO);
}

/* readFile(path[, start, length]): the file, or a range (start -1: a suffix), as a Uint8Array;
   undefined if there is none */
static napi_value js_read_file(napi_env env, napi_callback_info info) {
  return start(env, info, READ_WHOLE);
}

/* writeFileAtomic(path, temp, parts): parts gathered into temp, renamed to path */
static napi_value js_write_file_atomic(napi_env env, napi_callback_info info) {
  return start(env, info, WRITE_ATOMIC);
}

void define_file_io(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"readFileInto", NULL, js_read_file_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readFileUpTo", NULL, js_read_file_up_to, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readFile", NULL, js_read_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeFileAtomic", NULL, js_write_file_atomic, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeFilesAtomic", NULL, js_write_files_atomic, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
}
