import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('ingestion');
