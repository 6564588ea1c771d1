/* The part collector of store/layout.py's Splitter: content ids, the columns of a PartBatch,
 * and the statement groups of a property with their parts (statements, snaks, qualifier
 * sets, references).
 * Splitting is most of an import's planning work; in Python, most of that was the
 * interpreter's own overhead of many small calls per part.
 *
 * Parts(content_id, hashers, pack, json, children, unset, collision, rank_codes, group_mask,
 *       group_max, chunk_mask):
 *   content_id(kind, data) -> id; `hashers` (a blake2b object per kind, or None) computes the
 *   same ids without a call into Python: copy, update, digest. `pack` and `json` encode a
 *   value as msgpack and a snak as JSON; `children(kind, value)` lists a part's children
 *   for parts put from Python; `unset` is msgspec.UNSET; `collision` the exception raised
 *   for two contents under one id; `rank_codes`, `group_mask`, `group_max` and `chunk_mask`
 *   are layout.py's.
 * put(kind, value) -> id of any part; groups(property, statements, prefix, stored) -> one
 * property's statements in groups, each statement with its parts; the columns are
 * attributes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* Part kinds, as layout.py numbers them. */
enum { SNAK = 1, QUALIFIERS = 2, REFERENCE = 3, STATEMENT = 4, GROUP = 5, TERM = 7, TEXT = 15 };

/* The object references a Parts holds: what it was given, then the columns it fills. */
#define PARTS_REFERENCES(X) X(content_id) X(hashers) X(pack) X(json) X(children) X(unset) \
    X(collision) X(rank_codes) X(positions) X(keys) X(hexes) X(kinds) X(datas) \
    X(children_joined) X(child_counts)
#define DECLARE(name) PyObject *name;

typedef struct {
    PyObject_HEAD
    PARTS_REFERENCES(DECLARE)
    unsigned long group_mask, chunk_mask;
    Py_ssize_t group_max;
} Parts;

static unsigned long crc_table[256];

static void make_crc_table(void) {
    for (unsigned long n = 0; n < 256; n++) {
        unsigned long c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320UL ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib.crc32 of the text's UTF-8. */
static int crc32_of(PyObject *text, unsigned long *crc) {
    Py_ssize_t size;
    const unsigned char *at = (const unsigned char *)PyUnicode_AsUTF8AndSize(text, &size);
    if (at == NULL) return -1;
    unsigned long c = 0xFFFFFFFFUL;
    for (Py_ssize_t i = 0; i < size; i++) c = crc_table[(c ^ at[i]) & 0xFF] ^ (c >> 8);
    *crc = c ^ 0xFFFFFFFFUL;
    return 0;
}

/* Whether a GUID (or property) ends its group or chunk: crc32 & mask == mask; never for a
 * missing one (NULL). -1 on error. */
static int cut(PyObject *key, unsigned long mask) {
    unsigned long crc;
    if (key == NULL) return 0;
    if (crc32_of(key, &crc)) return -1;
    return (crc & mask) == mask;
}

static PyObject *s_copy, *s_update, *s_digest, *s_qualifiers, *s_qualifiers_order,
    *s_references, *s_mainsnak, *s_hash, *s_snaks, *s_snaks_order, *s_id, *s_rank;
static PyObject *kind_ints[16];

static int raw_kind(int kind) { return kind == SNAK || kind == TERM || kind == TEXT; }

static PyObject *hex_of(PyObject *key) {
    static const char digits[] = "0123456789abcdef";
    Py_ssize_t n = PyBytes_GET_SIZE(key);
    const unsigned char *in = (const unsigned char *)PyBytes_AS_STRING(key);
    PyObject *out = PyUnicode_New(2 * n, 127);
    if (out == NULL) return NULL;
    Py_UCS1 *text = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        text[2 * i] = digits[in[i] >> 4];
        text[2 * i + 1] = digits[in[i] & 15];
    }
    return out;
}

static PyObject *content_id(Parts *self, int kind, PyObject *data) {
    if (self->hashers == Py_None) {
        return PyObject_CallFunctionObjArgs(self->content_id, kind_ints[kind], data, NULL);
    }
    PyObject *hasher = PyObject_CallMethodNoArgs(PyList_GET_ITEM(self->hashers, kind), s_copy);
    if (hasher == NULL) return NULL;
    PyObject *done = PyObject_CallMethodOneArg(hasher, s_update, data);
    if (done == NULL) { Py_DECREF(hasher); return NULL; }
    Py_DECREF(done);
    PyObject *key = PyObject_CallMethodNoArgs(hasher, s_digest);
    Py_DECREF(hasher);
    return key;
}

/* The distinct items of `kids` in their order (a part counts each child once), as
 * dict.fromkeys would give them. Returns a new reference. */
static PyObject *distinct(PyObject *kids) {
    Py_ssize_t n = PyList_GET_SIZE(kids);
    if (n > 16) {
        PyObject *seen = PyDict_New(), *out = PyList_New(0);
        if (seen == NULL || out == NULL) goto fail;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *kid = PyList_GET_ITEM(kids, i);
            int known = PyDict_Contains(seen, kid);
            if (known < 0) goto fail;
            if (!known && (PyDict_SetItem(seen, kid, Py_None) || PyList_Append(out, kid)))
                goto fail;
        }
        Py_DECREF(seen);
        return out;
    fail:
        Py_XDECREF(seen);
        Py_XDECREF(out);
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *kid = PyList_GET_ITEM(kids, i);
        int known = 0;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(out) && !known; j++) {
            known = PyObject_RichCompareBool(PyList_GET_ITEM(out, j), kid, Py_EQ);
            if (known < 0) { Py_DECREF(out); return NULL; }
        }
        if (!known && PyList_Append(out, kid)) { Py_DECREF(out); return NULL; }
    }
    return out;
}

/* The ids joined into one bytes object (a single one is itself, as b"".join gives it). */
static PyObject *joined(PyObject *kids) {
    Py_ssize_t n = PyList_GET_SIZE(kids), size = 0;
    if (n == 1 && PyBytes_CheckExact(PyList_GET_ITEM(kids, 0)))
        return Py_NewRef(PyList_GET_ITEM(kids, 0));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *kid = PyList_GET_ITEM(kids, i);
        if (!PyBytes_Check(kid)) {
            PyErr_SetString(PyExc_TypeError, "part ids are bytes");
            return NULL;
        }
        size += PyBytes_GET_SIZE(kid);
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (out == NULL) return NULL;
    char *at = PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *kid = PyList_GET_ITEM(kids, i);
        memcpy(at, PyBytes_AS_STRING(kid), PyBytes_GET_SIZE(kid));
        at += PyBytes_GET_SIZE(kid);
    }
    return out;
}

/* The id of an encoded part whose children are `kids` (a list, perhaps with repeats); a
 * part met before must have the same kind and bytes. Returns a new reference. */
static PyObject *put_data(Parts *self, int kind, PyObject *data, PyObject *kids) {
    PyObject *key = content_id(self, kind, data), *unique = NULL;
    if (key == NULL) return NULL;
    if (!PyBytes_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "content ids are bytes");
        goto fail;
    }
    PyObject *at = PyDict_GetItemWithError(self->positions, key);
    if (at != NULL) {
        Py_ssize_t i = PyLong_AsSsize_t(at);
        int same = PyLong_AsLong(PyList_GET_ITEM(self->kinds, i)) == kind;
        if (same) same = PyObject_RichCompareBool(PyList_GET_ITEM(self->datas, i), data, Py_EQ);
        if (same < 0) goto fail;
        if (!same) {
            PyObject *hex = hex_of(key);
            if (hex != NULL) {
                PyErr_SetObject(self->collision, hex);
                Py_DECREF(hex);
            }
            goto fail;
        }
        return key;
    }
    if (PyErr_Occurred() || (unique = distinct(kids)) == NULL) goto fail;
    PyObject *position = PyLong_FromSsize_t(PyList_GET_SIZE(self->keys));
    if (position == NULL) goto fail;
    int failed = PyDict_SetItem(self->positions, key, position);
    Py_DECREF(position);
    if (failed) goto fail;
    PyObject *hex = hex_of(key);
    if (hex == NULL) goto fail;
    failed = PyList_Append(self->hexes, hex);
    Py_DECREF(hex);
    if (failed || PyList_Append(self->keys, key) || PyList_Append(self->kinds, kind_ints[kind])
        || PyList_Append(self->datas, data)) goto fail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(unique); i++) {
        PyObject *kid = PyList_GET_ITEM(unique, i);
        PyObject *count = PyDict_GetItemWithError(self->child_counts, kid);
        if (count == NULL && PyErr_Occurred()) goto fail;
        PyObject *more = PyLong_FromLong(count == NULL ? 1 : PyLong_AsLong(count) + 1);
        if (more == NULL) goto fail;
        failed = PyDict_SetItem(self->child_counts, kid, more);
        Py_DECREF(more);
        if (failed) goto fail;
    }
    PyObject *all = joined(unique);
    if (all == NULL) goto fail;
    failed = PyList_Append(self->children_joined, all);
    Py_DECREF(all);
    if (failed) goto fail;
    Py_DECREF(unique);
    return key;
fail:
    Py_XDECREF(unique);
    Py_DECREF(key);
    return NULL;
}

/* [a, b] or [a, b, c] (c not NULL), new references to the items. */
static PyObject *list_of(PyObject *a, PyObject *b, PyObject *c) {
    PyObject *out = PyList_New(c == NULL ? 2 : 3);
    if (out == NULL) return NULL;
    PyList_SET_ITEM(out, 0, Py_NewRef(a));
    PyList_SET_ITEM(out, 1, Py_NewRef(b));
    if (c != NULL) PyList_SET_ITEM(out, 2, Py_NewRef(c));
    return out;
}

static PyObject *snak(Parts *self, PyObject *value) {
    PyObject *data = PyObject_CallOneArg(self->json, value);
    if (data == NULL) return NULL;
    PyObject *kids = PyList_New(0);
    PyObject *key = kids == NULL ? NULL : put_data(self, SNAK, data, kids);
    Py_XDECREF(kids);
    Py_DECREF(data);
    return key;
}

static PyObject *packed(Parts *self, int kind, PyObject *value, PyObject *kids) {
    PyObject *data = PyObject_CallOneArg(self->pack, value);
    if (data == NULL) return NULL;
    PyObject *key = put_data(self, kind, data, kids);
    Py_DECREF(data);
    return key;
}

/* [[property, [snak id ...]] ...] of a snak map, each snak id also added to `kids`. */
static PyObject *snak_pairs(Parts *self, PyObject *snaks, PyObject *kids) {
    PyObject *pairs = PyList_New(0), *prop, *group;
    if (pairs == NULL) return NULL;
    Py_ssize_t pos = 0;
    while (PyDict_Next(snaks, &pos, &prop, &group)) {
        PyObject *ids = PyList_New(0), *pair = NULL;
        if (ids == NULL) goto fail;
        PyObject *items = PySequence_Fast(group, "a snak group is a list");
        if (items == NULL) { Py_DECREF(ids); goto fail; }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
            PyObject *key = snak(self, PySequence_Fast_GET_ITEM(items, i));
            int failed = key == NULL || PyList_Append(ids, key) || PyList_Append(kids, key);
            Py_XDECREF(key);
            if (failed) { Py_DECREF(items); Py_DECREF(ids); goto fail; }
        }
        Py_DECREF(items);
        pair = PyList_New(2);
        if (pair == NULL) { Py_DECREF(ids); goto fail; }
        Py_INCREF(prop);
        PyList_SET_ITEM(pair, 0, prop);
        PyList_SET_ITEM(pair, 1, ids);
        int failed = PyList_Append(pairs, pair);
        Py_DECREF(pair);
        if (failed) goto fail;
    }
    return pairs;
fail:
    Py_DECREF(pairs);
    return NULL;
}

/* The order kept with a snak map: None where it is the map's own order. */
static PyObject *snak_order(Parts *self, PyObject *snaks, PyObject *order) {
    if (order == self->unset) Py_RETURN_NONE;
    PyObject *own = PySequence_List(snaks);
    if (own == NULL) return NULL;
    int same = PyObject_RichCompareBool(order, own, Py_EQ);
    Py_DECREF(own);
    if (same < 0) return NULL;
    if (same) Py_RETURN_NONE;
    Py_INCREF(order);
    return order;
}

/* [snak pairs, order] (qualifiers) or [hash, snak pairs, order] (a reference), put. */
static PyObject *snak_map(Parts *self, int kind, PyObject *head, PyObject *owner,
                          PyObject *map_name, PyObject *order_name) {
    PyObject *snaks = PyObject_GetAttr(owner, map_name), *order = NULL, *pairs = NULL,
             *kept = NULL, *value = NULL, *kids = NULL, *key = NULL;
    if (snaks == NULL) return NULL;
    if (!PyDict_Check(snaks)) {
        PyErr_SetString(PyExc_TypeError, "snaks are a map");
        goto done;
    }
    if ((kids = PyList_New(0)) == NULL || (pairs = snak_pairs(self, snaks, kids)) == NULL
        || (order = PyObject_GetAttr(owner, order_name)) == NULL
        || (kept = snak_order(self, snaks, order)) == NULL) goto done;
    value = head == NULL ? list_of(pairs, kept, NULL) : list_of(head, pairs, kept);
    if (value != NULL) key = packed(self, kind, value, kids);
done:
    Py_DECREF(snaks);
    Py_XDECREF(order);
    Py_XDECREF(pairs);
    Py_XDECREF(kept);
    Py_XDECREF(value);
    Py_XDECREF(kids);
    return key;
}

static PyObject *reference(Parts *self, PyObject *ref) {
    PyObject *hash = PyObject_GetAttr(ref, s_hash);
    if (hash == NULL) return NULL;
    int given = PyObject_IsTrue(hash);
    if (given < 0) { Py_DECREF(hash); return NULL; }
    PyObject *key = snak_map(self, REFERENCE, given ? hash : Py_None, ref, s_snaks,
                             s_snaks_order);
    Py_DECREF(hash);
    return key;
}

/* The id of a statement part: [main snak id, qualifier set id or None, [reference id ...]]. */
static PyObject *statement_part(Parts *self, PyObject *statement) {
    PyObject *qualifiers = NULL, *refs = NULL, *main = NULL, *mainsnak = NULL,
             *value = NULL, *kids = NULL, *key = NULL, *list = NULL, *ref_list = NULL;
    PyObject *held = PyObject_GetAttr(statement, s_qualifiers);
    if (held == NULL) return NULL;
    int has = PyObject_IsTrue(held);
    Py_DECREF(held);
    if (has < 0) return NULL;
    if (has) {
        qualifiers = snak_map(self, QUALIFIERS, NULL, statement, s_qualifiers,
                              s_qualifiers_order);
        if (qualifiers == NULL) return NULL;
    } else {
        qualifiers = Py_NewRef(Py_None);
    }
    if ((kids = PyList_New(0)) == NULL || (refs = PyList_New(0)) == NULL) goto done;
    if ((list = PyObject_GetAttr(statement, s_references)) == NULL) goto done;
    int any = PyObject_IsTrue(list);
    if (any < 0) goto done;
    if (any) {
        if ((ref_list = PySequence_Fast(list, "references are a list")) == NULL) goto done;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(ref_list); i++) {
            PyObject *ref = reference(self, PySequence_Fast_GET_ITEM(ref_list, i));
            int failed = ref == NULL || PyList_Append(refs, ref);
            Py_XDECREF(ref);
            if (failed) goto done;
        }
    }
    if ((mainsnak = PyObject_GetAttr(statement, s_mainsnak)) == NULL
        || (main = snak(self, mainsnak)) == NULL || PyList_Append(kids, main)) goto done;
    if (qualifiers != Py_None && PyList_Append(kids, qualifiers)) goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(refs); i++) {
        if (PyList_Append(kids, PyList_GET_ITEM(refs, i))) goto done;
    }
    if ((value = list_of(main, qualifiers, refs)) != NULL) {
        key = packed(self, STATEMENT, value, kids);
    }
done:
    Py_XDECREF(qualifiers);
    Py_XDECREF(refs);
    Py_XDECREF(list);
    Py_XDECREF(ref_list);
    Py_XDECREF(mainsnak);
    Py_XDECREF(main);
    Py_XDECREF(value);
    Py_XDECREF(kids);
    return key;
}

/* The statement GUID as a group entry holds it: without "<subject>$" where the rest has no
 * '$' (the subject id is implied). Returns a new reference (None for no GUID). */
static PyObject *entry_guid(PyObject *guid, PyObject *prefix) {
    if (guid == NULL) Py_RETURN_NONE;
    if (prefix != Py_None) {
        Py_ssize_t start = PyUnicode_GET_LENGTH(prefix), end = PyUnicode_GET_LENGTH(guid);
        Py_ssize_t match = PyUnicode_Tailmatch(guid, prefix, 0, end, -1);
        if (match < 0) return NULL;
        if (match) {
            Py_ssize_t dollar = PyUnicode_FindChar(guid, '$', start, end, 1);
            if (dollar == -2) return NULL;
            if (dollar == -1) return PyUnicode_Substring(guid, start, end);
        }
    }
    return Py_NewRef(guid);
}

/* [GUID, rank code, statement id] of a statement; an equal statement in `stored` (GUID ->
 * (statement, id)) keeps its stored id. `id` is the statement's GUID attribute. */
static PyObject *entry(Parts *self, PyObject *statement, PyObject *id, PyObject *guid,
                       PyObject *prefix, PyObject *stored) {
    PyObject *key = NULL, *known = NULL, *short_guid = NULL, *rank = NULL, *out = NULL;
    if (PyDict_GET_SIZE(stored)) {
        known = PyDict_GetItemWithError(stored, id);
        if (known == NULL && PyErr_Occurred()) return NULL;
    }
    if (known != NULL) {
        if (!PyTuple_Check(known) || PyTuple_GET_SIZE(known) != 2) {
            PyErr_SetString(PyExc_TypeError, "stored statements are (statement, id)");
            return NULL;
        }
        int same = PyObject_RichCompareBool(PyTuple_GET_ITEM(known, 0), statement, Py_EQ);
        if (same < 0) return NULL;
        if (same) key = Py_NewRef(PyTuple_GET_ITEM(known, 1));
    }
    if (key == NULL && (key = statement_part(self, statement)) == NULL) return NULL;
    if ((short_guid = entry_guid(guid, prefix)) == NULL
        || (rank = PyObject_GetAttr(statement, s_rank)) == NULL) goto done;
    PyObject *code = PyDict_GetItemWithError(self->rank_codes, rank);
    if (code == NULL) {
        if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, rank);
        goto done;
    }
    out = list_of(short_guid, code, key);
done:
    Py_DECREF(key);
    Py_XDECREF(short_guid);
    Py_XDECREF(rank);
    return out;
}

/* Closes a group of entries: appends (property, group id, whether it ends its chunk). */
static int close_group(Parts *self, PyObject *groups, PyObject *prop, PyObject *entries,
                       PyObject *first) {
    PyObject *kids = PyList_New(0);
    if (kids == NULL) return -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(entries); i++) {
        if (PyList_Append(kids, PyList_GET_ITEM(PyList_GET_ITEM(entries, i), 2))) {
            Py_DECREF(kids);
            return -1;
        }
    }
    PyObject *key = packed(self, GROUP, entries, kids);
    Py_DECREF(kids);
    if (key == NULL) return -1;
    int ends = cut(first, self->chunk_mask);
    PyObject *group = ends < 0 ? NULL : PyTuple_Pack(3, prop, key, ends ? Py_True : Py_False);
    Py_DECREF(key);
    if (group == NULL) return -1;
    int failed = PyList_Append(groups, group);
    Py_DECREF(group);
    return failed;
}

/* groups(property, statements, prefix, stored) -> ([(property, group id, whether it ends
 * its chunk) ...], [(GUID, (statement, statement id)) ...]): one property's statements cut
 * into groups at content-defined boundaries, as layout.py describes them. */
static PyObject *Parts_groups(Parts *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[3])
        || (args[2] != Py_None && !PyUnicode_Check(args[2]))) {
        PyErr_SetString(PyExc_TypeError, "groups(property, statements, prefix, stored)");
        return NULL;
    }
    PyObject *prop = args[0], *prefix = args[2], *stored = args[3];
    PyObject *items = PySequence_Fast(args[1], "statements are a list");
    if (items == NULL) return NULL;
    PyObject *groups = PyList_New(0), *split = PyList_New(0), *entries = PyList_New(0);
    PyObject *first = NULL, *result = NULL;  /* first: the group's first GUID (owned) */
    if (groups == NULL || split == NULL || entries == NULL) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *statement = PySequence_Fast_GET_ITEM(items, i);
        PyObject *id = PyObject_GetAttr(statement, s_id);
        if (id == NULL) goto done;
        int has = PyObject_IsTrue(id);
        if (has < 0) { Py_DECREF(id); goto done; }
        if (has && !PyUnicode_Check(id)) {
            Py_DECREF(id);
            PyErr_SetString(PyExc_TypeError, "statement ids are strings");
            goto done;
        }
        PyObject *guid = has ? id : NULL;
        PyObject *made = entry(self, statement, id, guid, prefix, stored);
        int failed = made == NULL || PyList_Append(entries, made);
        if (!failed && guid != NULL) {
            PyObject *pair = PyTuple_Pack(2, statement, PyList_GET_ITEM(made, 2));
            PyObject *item = pair == NULL ? NULL : PyTuple_Pack(2, guid, pair);
            failed = item == NULL || PyList_Append(split, item);
            Py_XDECREF(pair);
            Py_XDECREF(item);
        }
        Py_XDECREF(made);
        if (!failed && first == NULL && guid != NULL) first = Py_NewRef(guid);
        int ends = failed ? 0 : cut(guid, self->group_mask);
        Py_DECREF(id);
        if (failed || ends < 0) goto done;
        if (PyList_GET_SIZE(entries) >= self->group_max || ends) {
            if (close_group(self, groups, prop, entries, first)) goto done;
            Py_CLEAR(first);
            Py_SETREF(entries, PyList_New(0));
            if (entries == NULL) goto done;
        }
    }
    if (PyList_GET_SIZE(entries) || n == 0) {
        if (close_group(self, groups, prop, entries, first ? first : prop)) goto done;
    }
    result = PyTuple_Pack(2, groups, split);
done:
    Py_DECREF(items);
    Py_XDECREF(groups);
    Py_XDECREF(split);
    Py_XDECREF(entries);
    Py_XDECREF(first);
    return result;
}

static PyObject *Parts_put(Parts *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "put(kind, value)");
        return NULL;
    }
    long kind = PyLong_AsLong(args[0]);
    if (kind == -1 && PyErr_Occurred()) return NULL;
    if (kind < 1 || kind > 15) {
        PyErr_Format(PyExc_ValueError, "unknown part kind %ld", kind);
        return NULL;
    }
    PyObject *data, *value = args[1];
    if (raw_kind((int)kind)) {
        data = Py_NewRef(value);
    } else if ((data = PyObject_CallOneArg(self->pack, value)) == NULL) {
        return NULL;
    }
    PyObject *kids = raw_kind((int)kind) ? PyList_New(0)
        : PyObject_CallFunctionObjArgs(self->children, args[0], value, NULL);
    PyObject *key = NULL;
    if (kids != NULL && !PyList_Check(kids)) {
        PyErr_SetString(PyExc_TypeError, "children(kind, value) gives a list");
    } else if (kids != NULL) {
        key = put_data(self, (int)kind, data, kids);
    }
    Py_XDECREF(kids);
    Py_DECREF(data);
    return key;
}

static int Parts_init(Parts *self, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"content_id", "hashers", "pack", "json", "children", "unset",
                            "collision", "rank_codes", "group_mask", "group_max",
                            "chunk_mask", NULL};
    PyObject *content_id, *hashers, *pack, *json, *children, *unset, *collision, *rank_codes;
    unsigned long group_mask, chunk_mask;
    Py_ssize_t group_max;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOO!knk", names, &content_id,
                                     &hashers, &pack, &json, &children, &unset, &collision,
                                     &PyDict_Type, &rank_codes, &group_mask, &group_max,
                                     &chunk_mask)) return -1;
    self->group_mask = group_mask;
    self->group_max = group_max;
    self->chunk_mask = chunk_mask;
    Py_XSETREF(self->rank_codes, Py_NewRef(rank_codes));
    if (hashers != Py_None && (!PyList_Check(hashers) || PyList_GET_SIZE(hashers) < 16)) {
        PyErr_SetString(PyExc_TypeError, "hashers: a list of one hasher per kind, or None");
        return -1;
    }
    Py_XSETREF(self->content_id, Py_NewRef(content_id));
    Py_XSETREF(self->hashers, Py_NewRef(hashers));
    Py_XSETREF(self->pack, Py_NewRef(pack));
    Py_XSETREF(self->json, Py_NewRef(json));
    Py_XSETREF(self->children, Py_NewRef(children));
    Py_XSETREF(self->unset, Py_NewRef(unset));
    Py_XSETREF(self->collision, Py_NewRef(collision));
    Py_XSETREF(self->positions, PyDict_New());
    Py_XSETREF(self->keys, PyList_New(0));
    Py_XSETREF(self->hexes, PyList_New(0));
    Py_XSETREF(self->kinds, PyList_New(0));
    Py_XSETREF(self->datas, PyList_New(0));
    Py_XSETREF(self->children_joined, PyList_New(0));
    Py_XSETREF(self->child_counts, PyDict_New());
    if (!self->positions || !self->keys || !self->hexes || !self->kinds || !self->datas
        || !self->children_joined || !self->child_counts) return -1;
    return 0;
}

static int Parts_traverse(Parts *self, visitproc visit, void *arg) {
#define VISIT(name) Py_VISIT(self->name);
    PARTS_REFERENCES(VISIT)
#undef VISIT
    return 0;
}

static int Parts_clear(Parts *self) {
#define CLEAR(name) Py_CLEAR(self->name);
    PARTS_REFERENCES(CLEAR)
#undef CLEAR
    return 0;
}

static void Parts_dealloc(Parts *self) {
    PyObject_GC_UnTrack(self);
    Parts_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Parts_methods[] = {
    {"put", (PyCFunction)(void (*)(void))Parts_put, METH_FASTCALL,
     "put(kind, value) -> the id of the part, collected once"},
    {"groups", (PyCFunction)(void (*)(void))Parts_groups, METH_FASTCALL,
     "groups(property, statements, prefix, stored) -> (groups, [(GUID, (statement, id))])"},
    {NULL},
};

static PyMemberDef Parts_members[] = {
    {"positions", T_OBJECT, offsetof(Parts, positions), READONLY, "id -> position"},
    {"keys", T_OBJECT, offsetof(Parts, keys), READONLY, "ids in split order"},
    {"hexes", T_OBJECT, offsetof(Parts, hexes), READONLY, "the ids in hex"},
    {"kinds", T_OBJECT, offsetof(Parts, kinds), READONLY, "kinds"},
    {"datas", T_OBJECT, offsetof(Parts, datas), READONLY, "encoded parts"},
    {"children_joined", T_OBJECT, offsetof(Parts, children_joined), READONLY,
     "each part's distinct children joined"},
    {"child_counts", T_OBJECT, offsetof(Parts, child_counts), READONLY,
     "how many parts point at each id"},
    {NULL},
};

static PyTypeObject PartsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "entitybase.store._parts.Parts",
    .tp_basicsize = sizeof(Parts),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The parts of one or more entities, collected once each, as columns.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Parts_init,
    .tp_traverse = (traverseproc)Parts_traverse,
    .tp_clear = (inquiry)Parts_clear,
    .tp_dealloc = (destructor)Parts_dealloc,
    .tp_methods = Parts_methods,
    .tp_members = Parts_members,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_parts", "The part collector of the splitter.", -1, NULL,
};

PyMODINIT_FUNC PyInit__parts(void) {
    if (PyType_Ready(&PartsType) < 0) return NULL;
#define INTERN(var, text) if ((var = PyUnicode_InternFromString(text)) == NULL) return NULL
    INTERN(s_copy, "copy"); INTERN(s_update, "update"); INTERN(s_digest, "digest");
    INTERN(s_qualifiers, "qualifiers"); INTERN(s_qualifiers_order, "qualifiers_order");
    INTERN(s_references, "references"); INTERN(s_mainsnak, "mainsnak");
    INTERN(s_hash, "hash"); INTERN(s_snaks, "snaks"); INTERN(s_snaks_order, "snaks_order");
    INTERN(s_id, "id"); INTERN(s_rank, "rank");
#undef INTERN
    make_crc_table();
    for (int i = 0; i < 16; i++) {
        if ((kind_ints[i] = PyLong_FromLong(i)) == NULL) return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Parts", (PyObject *)&PartsType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
