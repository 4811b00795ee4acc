import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('feature-store');
