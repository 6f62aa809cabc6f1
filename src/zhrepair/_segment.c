/* The segmenter's dynamic programme in C (zhrepair.segment uses it when built).
 *
 * cut(text, table, unknown) -> tuple of str
 *   table: dict mapping every vocabulary word to its log10 probability (float) and every
 *          proper prefix of a word that is not itself a word to None;
 *   unknown: the log10 probability of an unknown single character.
 * Same result as zhrepair.segment.Segmenter._cut_python: for each start, a known word
 * always beats an unknown character, and the shortest of equally good words wins.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *cut(PyObject *self, PyObject *args) {
    PyObject *text, *table;
    double unknown;
    if (!PyArg_ParseTuple(args, "UO!d", &text, &PyDict_Type, &table, &unknown))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    double *best = PyMem_Malloc(sizeof(double) * (n + 1));
    Py_ssize_t *step = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    if (!best || !step) {
        PyMem_Free(best);
        PyMem_Free(step);
        return PyErr_NoMemory();
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
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n; i += step[i]) count++;
    PyObject *out = PyTuple_New(count);
    if (!out) goto fail;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i += step[i]) {
        PyObject *word = PyUnicode_Substring(text, i, i + step[i]);
        if (!word) {
            Py_DECREF(out);
            goto fail;
        }
        PyTuple_SET_ITEM(out, k++, word);
    }
    PyMem_Free(best);
    PyMem_Free(step);
    return out;
fail:
    PyMem_Free(best);
    PyMem_Free(step);
    return NULL;
}

static PyMethodDef methods[] = {
    {"cut", cut, METH_VARARGS, "Max-probability segmentation of a text over a prefix table."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_segment", NULL, -1, methods};

PyMODINIT_FUNC PyInit__segment(void) { return PyModule_Create(&module); }
