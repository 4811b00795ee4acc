const path = require('path');
const base = require('../../jest.preset.js')(__dirname);

// The web app's saga logic is libs/client's (aliased as @mlops/sagas in web/vite.config.ts).
module.exports = {
  ...base,
  moduleNameMapper: { '^@mlops/sagas$': path.join(__dirname, '../../libs/client/src/sagas.ts'), ...base.moduleNameMapper },
};
