/* The segmenter's dynamic programme in C (zhrepair.segment uses it when built).
 *
 * Table(vocabulary) -> the table the programme probes
 *   vocabulary: dict mapping every word to its log10 probability. The table holds every
 *          word and every proper prefix of a word (as "prefix only"), in an open-addressing
 *          hash table over code points probed with a hash that grows one character at a
 *          time, so trying the words that start at a position makes no Python string (a
 *          dict lookup needs one per probe: about three times slower).
 * cut(table, unknown, text) -> tuple of str (the table first, so functools.partial can bind it)
 *   table: a Table; unknown: the log10 probability of an unknown single character.
 * Same result as zhrepair.segment.Segmenter.cut_python: for each start, a known word
 * always beats an unknown character, and the shortest of equally good words wins.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

typedef struct {
    PyObject_HEAD
    Py_UCS4 *chars;      /* every key's code points, one after another */
    Py_ssize_t *offsets; /* per entry: where its key starts in chars */
    Py_ssize_t *lengths; /* per entry: its key's length */
    uint64_t *hashes;    /* per entry: FNV-1a of its code points */
    double *values;      /* per entry: the log10 probability, NAN for a prefix only */
    Py_ssize_t *slots;   /* entry index + 1, 0 for an empty slot */
    uint64_t mask;       /* slots - 1 (a power of two) */
} Table;

static void table_dealloc(Table *t) {
    PyMem_Free(t->chars);
    PyMem_Free(t->offsets);
    PyMem_Free(t->lengths);
    PyMem_Free(t->hashes);
    PyMem_Free(t->values);
    PyMem_Free(t->slots);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

static inline uint64_t fnv_step(uint64_t h, Py_UCS4 c) { return (h ^ (uint64_t)c) * FNV_PRIME; }

/* The entry whose key is the code points key[0:len] (hash h), or -1. */
static inline Py_ssize_t table_find(const Table *t, uint64_t h, const Py_UCS4 *key, Py_ssize_t len) {
    for (uint64_t slot = h & t->mask;; slot = (slot + 1) & t->mask) {
        Py_ssize_t e = t->slots[slot] - 1;
        if (e < 0) return -1;
        if (t->hashes[e] == h && t->lengths[e] == len &&
            memcmp(t->chars + t->offsets[e], key, sizeof(Py_UCS4) * (size_t)len) == 0)
            return e;
    }
}

static void table_insert(Table *t, Py_ssize_t e, uint64_t h, Py_ssize_t offset, Py_ssize_t len, double value) {
    t->offsets[e] = offset;
    t->lengths[e] = len;
    t->hashes[e] = h;
    t->values[e] = value;
    uint64_t slot = h & t->mask;
    while (t->slots[slot]) slot = (slot + 1) & t->mask;
    t->slots[slot] = e + 1;
}

/* Table(vocabulary): every word with its log10 probability, and every proper prefix of a
 * word that is not itself a word as "prefix only" (what Segmenter._table holds in Python). */
static PyObject *table_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *dict;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &dict)) return NULL;
    Py_ssize_t total = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "Table() takes a dict of str to a number");
            return NULL;
        }
        total += PyUnicode_GET_LENGTH(key);
    }
    Table *t = (Table *)type->tp_alloc(type, 0);
    if (!t) return NULL;
    uint64_t size = 8;
    while (size < (uint64_t)total * 2) size <<= 1; /* entries <= characters: at most half full */
    t->mask = size - 1;
    Py_ssize_t cap = total ? total : 1;
    t->chars = PyMem_Malloc(sizeof(Py_UCS4) * cap);
    t->offsets = PyMem_Malloc(sizeof(Py_ssize_t) * cap);
    t->lengths = PyMem_Malloc(sizeof(Py_ssize_t) * cap);
    t->hashes = PyMem_Malloc(sizeof(uint64_t) * cap);
    t->values = PyMem_Malloc(sizeof(double) * cap);
    t->slots = PyMem_Calloc(size, sizeof(Py_ssize_t));
    if (!t->chars || !t->offsets || !t->lengths || !t->hashes || !t->values || !t->slots) {
        Py_DECREF(t);
        return PyErr_NoMemory();
    }
    Py_ssize_t n = 0, at = 0;
    pos = 0;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        double v = PyFloat_AsDouble(value);
        if (v == -1.0 && PyErr_Occurred()) {
            Py_DECREF(t);
            return NULL;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        Py_UCS4 *word = t->chars + at;
        for (Py_ssize_t k = 0; k < len; k++) word[k] = PyUnicode_READ(kind, data, k);
        uint64_t h = FNV_OFFSET;
        for (Py_ssize_t k = 1; k <= len; k++) { /* its prefixes (each stored as a span of the word), then the word */
            h = fnv_step(h, word[k - 1]);
            Py_ssize_t e = table_find(t, h, word, k);
            if (k == len) {
                if (e >= 0)
                    t->values[e] = v; /* a word that was another word's prefix */
                else
                    table_insert(t, n++, h, at, k, v);
            } else if (e < 0) {
                table_insert(t, n++, h, at, k, NAN);
            }
        }
        at += len;
    }
    return (PyObject *)t;
}

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zhrepair._segment.Table",
    .tp_basicsize = sizeof(Table),
    .tp_dealloc = (destructor)table_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A segmenter's vocabulary (dict of word to log10 probability) and its words' prefixes, compiled.",
    .tp_new = table_new,
};

/* Fill step[i] (the length of the word starting at i on the best path); 0 on success. */
static int segment(PyObject *text, const Table *table, double unknown, Py_ssize_t n, Py_ssize_t *step) {
    Py_UCS4 *chars = PyUnicode_AsUCS4Copy(text); /* the text as code points, like the table's keys */
    if (!chars) return -1;
    double *best = PyMem_Malloc(sizeof(double) * (n + 1));
    if (!best) {
        PyMem_Free(chars);
        PyErr_NoMemory();
        return -1;
    }
    best[n] = 0.0;
    step[n] = 1;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        double top = unknown + best[i + 1];
        Py_ssize_t top_len = 1;
        int found = 0;
        uint64_t h = FNV_OFFSET;
        for (Py_ssize_t j = i + 1; j <= n; j++) {
            h = fnv_step(h, chars[j - 1]);
            Py_ssize_t e = table_find(table, h, chars + i, j - i);
            if (e < 0) break;                 /* neither a word nor a word's prefix */
            double v = table->values[e];
            if (isnan(v)) continue;           /* a prefix only */
            v += best[j];
            if (!found || v > top) {
                top = v;
                top_len = j - i;
                found = 1;
            }
        }
        best[i] = top;
        step[i] = top_len;
    }
    PyMem_Free(best);
    PyMem_Free(chars);
    return 0;
}

/* Parse (table, unknown, text), segment, and count the words; NULL on error. */
static Py_ssize_t *parse(PyObject *args, PyObject **text, Py_ssize_t *n, Py_ssize_t *words) {
    PyObject *table;
    double unknown;
    if (!PyArg_ParseTuple(args, "O!dU", &TableType, &table, &unknown, text))
        return NULL;
    *n = PyUnicode_GET_LENGTH(*text);
    Py_ssize_t *step = PyMem_Malloc(sizeof(Py_ssize_t) * (*n + 1));
    if (!step) {
        PyErr_NoMemory();
        return NULL;
    }
    if (segment(*text, (const Table *)table, unknown, *n, step) < 0) {
        PyMem_Free(step);
        return NULL;
    }
    *words = 0;
    for (Py_ssize_t i = 0; i < *n; i += step[i]) (*words)++;
    return step;
}

/* cut(table, unknown, text) -> tuple of words */
static PyObject *cut(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t n, count;
    Py_ssize_t *step = parse(args, &text, &n, &count);
    if (!step) return NULL;
    PyObject *out = PyTuple_New(count);
    if (!out) goto done;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i += step[i]) {
        PyObject *word = PyUnicode_Substring(text, i, i + step[i]);
        if (!word) {
            Py_CLEAR(out);
            goto done;
        }
        PyTuple_SET_ITEM(out, k++, word);
    }
done:
    PyMem_Free(step);
    return out;
}

/* cut_joined(table, unknown, text) -> the words joined by single spaces (what KenLM reads) */
static PyObject *cut_joined(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t n, words;
    Py_ssize_t *step = parse(args, &text, &n, &words);
    if (!step) return NULL;
    Py_ssize_t size = words ? n + words - 1 : 0;
    PyObject *out = PyUnicode_New(size, PyUnicode_MAX_CHAR_VALUE(text) < 127 ? 127 : PyUnicode_MAX_CHAR_VALUE(text));
    if (!out) goto done;
    Py_ssize_t pos = 0;
    for (Py_ssize_t i = 0; i < n; i += step[i]) {
        if (pos) PyUnicode_WRITE(PyUnicode_KIND(out), PyUnicode_DATA(out), pos++, ' ');
        if (PyUnicode_CopyCharacters(out, pos, text, i, step[i]) < 0) {
            Py_CLEAR(out);
            goto done;
        }
        pos += step[i];
    }
done:
    PyMem_Free(step);
    return out;
}

static PyMethodDef methods[] = {
    {"cut", cut, METH_VARARGS, "Max-probability segmentation of a text over a prefix table."},
    {"cut_joined", cut_joined, METH_VARARGS, "The same segmentation, as one string of space-separated words."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_segment", NULL, -1, methods};

PyMODINIT_FUNC PyInit__segment(void) {
    if (PyType_Ready(&TableType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&TableType);
    if (PyModule_AddObject(m, "Table", (PyObject *)&TableType) < 0) {
        Py_DECREF(&TableType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
