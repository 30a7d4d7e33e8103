/**
 * CustomResourceDefinitions: conversion to catalogue entries, validation, the status
 * to write back, and the JSONPath subset and table printer they need.
 */
export { resourceTypesFromCRD, definitionName, type CRDConversion } from './convert.js';
export { validateCRD } from './validate.js';
export { crdStatus, type CRDStatus, type CRDCondition } from './status.js';
export { crdPrinter, DEFAULT_COLUMNS, type PrinterColumn } from './printer.js';
export { parseJsonPath, evaluateJsonPath, type JsonPath } from './jsonpath.js';
