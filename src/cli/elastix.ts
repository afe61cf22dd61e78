/** elastix in Node: the same WebAssembly pipeline as the worker's, through itk-wasm's Node (WASI) entry. */
import { elastixNode } from '@itk-wasm/elastix';
import type { Elastix, ParameterMap } from '../core/registration/rigid.ts';

export const nodeElastix: Elastix = async (parameterObject, fixed, moving) => (await elastixNode(parameterObject, { fixed, moving })).transformParameterObject as ParameterMap[];
