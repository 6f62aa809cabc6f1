/* The segmenter's dynamic programme in C (zhrepair.segment uses it when built).
 *
 * cut(table, unknown, text) -> tuple of str (the table first, so functools.partial can bind it)
 *   table: dict mapping every vocabulary word to its log10 probability (float) and every
 *          proper prefix of a word that is not itself a word to None;
 *   unknown: the log10 probability of an unknown single character.
 * Same result as zhrepair.segment.Segmenter._cut_python: for each start, a known word
 * always beats an unknown character, and the shortest of equally good words wins.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Fill step[i] (the length of the word starting at i on the best path); 0 on success. */
static int segment(PyObject *text, PyObject *table, double unknown, Py_ssize_t n, Py_ssize_t *step) {
    double *best = PyMem_Malloc(sizeof(double) * (n + 1));
    if (!best) {
        PyErr_NoMemory();
        return -1;
    }
    best[n] = 0.0;
    step[n] = 1;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        double top = unknown + best[i + 1];
        Py_ssize_t top_len = 1;
        int found = 0;
        for (Py_ssize_t j = i + 1; j <= n; j++) {
            PyObject *piece = PyUnicode_Substring(text, i, j);
            if (!piece) goto fail;
            PyObject *lp = PyDict_GetItemWithError(table, piece);  /* borrowed */
            Py_DECREF(piece);
            if (!lp) {
                if (PyErr_Occurred()) goto fail;
                break;
            }
            if (lp == Py_None) continue;
            double v = PyFloat_AsDouble(lp);
            if (v == -1.0 && PyErr_Occurred()) goto fail;
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
    return 0;
fail:
    PyMem_Free(best);
    return -1;
}

/* Parse (table, unknown, text), segment, and count the words; NULL on error. */
static Py_ssize_t *parse(PyObject *args, PyObject **text, Py_ssize_t *n, Py_ssize_t *words) {
    PyObject *table;
    double unknown;
    if (!PyArg_ParseTuple(args, "O!dU", &PyDict_Type, &table, &unknown, text))
        return NULL;
    *n = PyUnicode_GET_LENGTH(*text);
    Py_ssize_t *step = PyMem_Malloc(sizeof(Py_ssize_t) * (*n + 1));
    if (!step) {
        PyErr_NoMemory();
        return NULL;
    }
    if (segment(*text, table, unknown, *n, step) < 0) {
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

PyMODINIT_FUNC PyInit__segment(void) { return PyModule_Create(&module); }
