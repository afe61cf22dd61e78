/** elastix in the registration worker: the pipeline this origin serves (vite.config.ts), run in that worker's thread. */
import { elastix, setPipelinesBaseUrl } from '@itk-wasm/elastix';
import type { Elastix, ParameterMap } from '../core/registration/rigid.ts';

setPipelinesBaseUrl(new URL(`${import.meta.env.BASE_URL}itk`, self.location.origin).href);

// webWorker false: the registration worker is already off the page's thread, and Cancel ends it; a worker of itk-wasm's own would only copy the images again.
export const workerElastix: Elastix = async (parameterObject, fixed, moving) => (await elastix(parameterObject, { fixed, moving, webWorker: false })).transformParameterObject as ParameterMap[];
