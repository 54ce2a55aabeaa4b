from services.huisvesting.app import service

service.run()
