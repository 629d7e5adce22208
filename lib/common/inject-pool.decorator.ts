import { Inject } from '@nestjs/common';
import { getPoolToken } from './pool.utils.js';

/** Injects the `Pool<W>` declared under `name` with `PoolModule.forRoot` or `forFeature`. */
export const InjectPool = (name: string): PropertyDecorator & ParameterDecorator => Inject(getPoolToken(name));
